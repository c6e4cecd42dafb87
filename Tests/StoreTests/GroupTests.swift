import XCTest
import Store

class GroupTests: StoreTestCase {
    private func addUser(_ name: String) throws -> User {
        try store.addUser(NewUser(username: name, passwordHash: "!", dateJoined: 1))
    }

    func testAddListAndDeleteGroups() throws {
        _ = try store.addGroup(name: "staff")
        _ = try store.addGroup(name: "Admins")
        _ = try store.addGroup(name: "admins")
        XCTAssertEqual(try store.groups().map(\.name), ["Admins", "admins", "staff"], "case-sensitive, by name")
        XCTAssertThrowsError(try store.addGroup(name: "staff")) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.conflict, ""))
        }
        try store.deleteGroup(name: "Admins")
        XCTAssertEqual(try store.groups().map(\.name), ["admins", "staff"])
        XCTAssertThrowsError(try store.deleteGroup(name: "Admins")) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.notFound, ""))
        }
    }

    func testRefusesEmptyLongAndControlCharacterNames() throws {
        for name in ["", String(repeating: "g", count: 151), "a\nb"] {
            XCTAssertThrowsError(try store.addGroup(name: name), name) { error in
                XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
            }
        }
        XCTAssertNoThrow(try store.addGroup(name: String(repeating: "g", count: 150)))
    }

    func testMembershipIsSortedIdempotentAndCounted() throws {
        let alice = try addUser("alice")
        _ = try addUser("bob")
        for name in ["web", "db", "ops"] { _ = try store.addGroup(name: name) }
        try store.addUser(username: "alice", toGroup: "web")
        try store.addUser(username: "alice", toGroup: "db")
        try store.addUser(username: "alice", toGroup: "db")
        try store.addUser(username: "bob", toGroup: "db")
        XCTAssertEqual(try store.groupNames(userID: alice.id), ["db", "web"])
        XCTAssertEqual(try store.groupNames(username: "bob"), ["db"])
        XCTAssertEqual(try store.groups().map(\.memberCount), [2, 0, 1])
        try store.removeUser(username: "alice", fromGroup: "db")
        try store.removeUser(username: "alice", fromGroup: "ops")
        XCTAssertEqual(try store.groupNames(userID: alice.id), ["web"])
        XCTAssertEqual(try store.groupNames(userID: 999), [])
    }

    func testUnknownUserOrGroupIsNamed() throws {
        _ = try addUser("alice")
        _ = try store.addGroup(name: "web")
        XCTAssertThrowsError(try store.addUser(username: "nobody", toGroup: "web")) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.notFound, ""))
            XCTAssertTrue("\(error)".contains("no user named nobody"), "\(error)")
        }
        XCTAssertThrowsError(try store.addUser(username: "alice", toGroup: "nope")) { error in
            XCTAssertTrue("\(error)".contains("no group named nope"), "\(error)")
        }
        XCTAssertThrowsError(try store.groupNames(username: "nobody")) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.notFound, ""))
        }
    }

    func testDeletingAUserOrAGroupRemovesTheMemberships() throws {
        let alice = try addUser("alice")
        _ = try addUser("bob")
        _ = try store.addGroup(name: "web")
        _ = try store.addGroup(name: "db")
        try store.addUser(username: "alice", toGroup: "web")
        try store.addUser(username: "alice", toGroup: "db")
        try store.addUser(username: "bob", toGroup: "db")
        try store.deleteGroup(name: "web")
        XCTAssertEqual(try store.groupNames(userID: alice.id), ["db"])
        try store.deleteUser(username: "alice")
        XCTAssertEqual(try store.groups().map(\.memberCount), [1])
        // A new group with the old name starts empty; a new alice does not inherit the old one's groups.
        _ = try store.addGroup(name: "web")
        let newAlice = try addUser("alice")
        XCTAssertEqual(try store.groupNames(userID: newAlice.id), [])
    }
}
