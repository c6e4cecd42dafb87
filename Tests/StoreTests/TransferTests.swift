import XCTest
import Store

/// Tokens leave a store page by page and enter another exactly as they were (`authd store copy`).
class TransferTests: StoreTestCase {
    func testPagesListEveryTokenOnceInJTIOrderWithItsState() throws {
        let alice = try store.addUser(NewUser(username: "alice", passwordHash: "!", dateJoined: 1))
        XCTAssertEqual(try store.rotate(old: token("c-root", user: alice.id), new: token("c-child", user: alice.id),
                                        blacklistOld: true, grace: 0, now: 50), .rotated)
        try store.blacklist(token("a-logout", expires: 900), reason: .logout, now: 60)
        for index in 0..<7 { try store.recordOutstanding(token("b-\(index)")) }
        var seen: [OutstandingToken] = []
        var cursor: String?
        while true {
            let page = try store.tokens(after: cursor, limit: 3)
            XCTAssertLessThanOrEqual(page.count, 3)
            guard let last = page.last else { break }
            seen += page
            cursor = last.record.jti
        }
        XCTAssertEqual(seen.map(\.record.jti), ["a-logout"] + (0..<7).map { "b-\($0)" } + ["c-child", "c-root"])
        for exported in seen {
            XCTAssertEqual(try store.outstanding(jti: exported.record.jti), exported)
        }
        XCTAssertEqual(seen.first { $0.record.jti == "c-child" }?.parentJTI, "c-root")
        XCTAssertEqual(seen.first { $0.record.jti == "c-root" }?.blacklistReason, .rotated)
        XCTAssertEqual(try store.tokens(after: "c-root", limit: 10), [])
    }

    func testImportKeepsFamiliesParentsAndBlacklistAndSkipsKnownJTIs() throws {
        let bob = try store.importUser(NewUser(username: "bob", passwordHash: "!", dateJoined: 1), id: 42)
        let tokens = [
            OutstandingToken(record: TokenRecord(jti: "root", userID: 42, createdAt: 10, expiresAt: 1000), family: "root",
                             parentJTI: nil, blacklistedAt: 20.5, blacklistReason: .rotated),
            OutstandingToken(record: TokenRecord(jti: "child", userID: 42, createdAt: 20.5, expiresAt: 1000),
                             family: "root", parentJTI: "root", blacklistedAt: nil, blacklistReason: nil),
            OutstandingToken(record: TokenRecord(jti: "orphan", userID: 7, createdAt: nil, expiresAt: 500), family: "orphan",
                             parentJTI: nil, blacklistedAt: 3, blacklistReason: .logout),
        ]
        XCTAssertEqual(try store.importTokens(tokens), 3)
        XCTAssertEqual(try store.outstanding(jti: "root"), tokens[0])
        XCTAssertEqual(try store.outstanding(jti: "child"), tokens[1])
        XCTAssertNil(try store.outstanding(jti: "orphan")?.record.userID, "a user that does not exist is stored as none")
        XCTAssertEqual(bob.id, 42)
        // Running the same import again (an interrupted copy) adds nothing and changes nothing.
        XCTAssertEqual(try store.importTokens(tokens), 0)
        XCTAssertEqual(try store.outstanding(jti: "root"), tokens[0])
        // The chain works as if it had been rotated here: reusing the rotated root revokes the child.
        XCTAssertEqual(try store.rotate(old: token("root"), new: token("again"), blacklistOld: true, grace: 0, now: 30),
                       .reused(revokedFamilyTokens: 1, withinGrace: false))
        XCTAssertEqual(try store.outstanding(jti: "child")?.blacklistReason, .reuse)
    }

    func testInvalidImportsAreRefusedAndWriteNothing() throws {
        let good = OutstandingToken(record: token("good").self, family: "good", parentJTI: nil, blacklistedAt: nil,
                                    blacklistReason: nil)
        var noReason = good
        noReason.record.jti = "no-reason"
        noReason.blacklistedAt = 5
        var emptyFamily = good
        emptyFamily.record.jti = "empty-family"
        emptyFamily.family = ""
        for bad in [noReason, emptyFamily] {
            XCTAssertThrowsError(try store.importTokens([good, bad])) { error in
                XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
            }
        }
        XCTAssertNil(try store.outstanding(jti: "good"))
        XCTAssertEqual(try store.importTokens([]), 0)
    }
}
