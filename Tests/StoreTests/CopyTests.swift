import XCTest
import Store
import TestSupport

/// `StoreCopy` between the two backends, both ways: what `authd store copy` does.
final class CopyTests: XCTestCase {
    private func fill(_ store: any StoreBackend) throws {
        _ = try store.importUser(NewUser(username: "alice", passwordHash: "pbkdf2_sha256$1$s$h", isStaff: true,
                                         email: "a@example.com", lastLogin: 5.5, dateJoined: 1), id: 7)
        _ = try store.addUser(NewUser(username: "bob", passwordHash: "!", isActive: false, dateJoined: 2))
        _ = try store.addGroup(name: "web")
        _ = try store.addGroup(name: "empty")
        try store.addUser(username: "alice", toGroup: "web")
        try store.addUser(username: "bob", toGroup: "web")
        XCTAssertEqual(try store.rotate(old: token("r1", user: 7), new: token("r2", user: 7), blacklistOld: true,
                                        grace: 0, now: 10), .rotated)
        try store.blacklist(token("gone", user: 7), reason: .logout, now: 11)
        for index in 0..<25 { try store.recordOutstanding(token("bulk-\(index)", user: 7)) }
    }

    private func assertSameContents(_ source: any StoreBackend, _ target: any StoreBackend) throws {
        XCTAssertEqual(try target.users(), try source.users())
        XCTAssertEqual(try target.groups().map(\.name), try source.groups().map(\.name))
        XCTAssertEqual(try target.groups().map(\.memberCount), try source.groups().map(\.memberCount))
        XCTAssertEqual(try target.tokens(after: nil, limit: 1000), try source.tokens(after: nil, limit: 1000))
        XCTAssertEqual(try target.groupNames(username: "bob"), ["web"])
    }

    private func copy(from: TestBackend, to: TestBackend) throws {
        let sourceDatabase = try TestDatabase(from), targetDatabase = try TestDatabase(to)
        let source = try sourceDatabase.open(), target = try targetDatabase.open()
        try fill(source)
        var copy = StoreCopy(from: source, to: target)
        copy.pageSize = 10  // several pages
        let summary = try copy.run()
        XCTAssertEqual(summary.usersCopied, 2)
        XCTAssertEqual(summary.groupsCopied, 2)
        XCTAssertEqual(summary.memberships, 2)
        XCTAssertEqual(summary.tokensCopied, 28)
        XCTAssertEqual(summary.userConflicts, [])
        try assertSameContents(source, target)
        // The chain carried over: reusing the rotated token revokes its successor in the target.
        XCTAssertEqual(try target.rotate(old: token("r1"), new: token("r3"), blacklistOld: true, grace: 0, now: 20),
                       .reused(revokedFamilyTokens: 1, withinGrace: false))
        // A new user in the target never gets a copied user's id.
        let carol = try target.addUser(NewUser(username: "carol", passwordHash: "!", dateJoined: 3))
        XCTAssertFalse([7, try XCTUnwrap(try source.user(username: "bob")?.id)].contains(carol.id))

        // Again: nothing is copied twice, nothing is lost.
        let again = try StoreCopy(from: source, to: target).run()
        XCTAssertEqual(again.usersCopied, 0)
        XCTAssertEqual(again.usersAlreadyThere, 2)
        XCTAssertEqual(again.tokensCopied, 0)
        XCTAssertEqual(again.tokensAlreadyThere, 28)
    }

    func testCopiesSQLiteIntoPostgreSQL() throws { try copy(from: .sqlite, to: .postgres) }

    func testCopiesPostgreSQLIntoSQLite() throws { try copy(from: .postgres, to: .sqlite) }

    func testAUserWhoseIdIsTakenBySomeoneElseIsReportedAndTheRestCopied() throws {
        let sourceDatabase = try TestDatabase(.sqlite), targetDatabase = try TestDatabase(.postgres)
        let source = try sourceDatabase.open(), target = try targetDatabase.open()
        try fill(source)
        _ = try target.importUser(NewUser(username: "mallory", passwordHash: "!", dateJoined: 1), id: 7)
        let summary = try StoreCopy(from: source, to: target).run()
        XCTAssertEqual(summary.usersCopied, 1)
        XCTAssertEqual(summary.userConflicts.count, 1)
        XCTAssertTrue(summary.userConflicts[0].hasPrefix("alice (id 7)"), summary.userConflicts[0])
        XCTAssertEqual(try target.user(id: 7)?.username, "mallory", "the target's own user is left alone")
        XCTAssertEqual(summary.tokensCopied, 28)
    }
}
