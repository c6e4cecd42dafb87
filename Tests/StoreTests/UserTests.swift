import XCTest
import Store

class UserTests: StoreTestCase {
    func testAddAndLookUpKeepsEveryField() throws {
        let added = try store.addUser(NewUser(
            username: "Ünïcode", passwordHash: "pbkdf2_sha256$1000$salt$hash", isActive: false, isStaff: true,
            isSuperuser: true, email: "u@example.com", firstName: "Ü", lastName: "N", lastLogin: 12.5, dateJoined: 10.25))
        XCTAssertGreaterThan(added.id, 0)
        XCTAssertEqual(try store.user(id: added.id), added)
        XCTAssertEqual(try store.user(username: "Ünïcode"), added)
        XCTAssertEqual(added.lastLogin, 12.5)
        XCTAssertFalse(added.isActive)
        XCTAssertNil(try store.user(id: added.id + 1))
        XCTAssertNil(try store.user(username: "nobody"))
    }

    func testUsernamesAreCaseSensitiveAndUnique() throws {
        _ = try store.addUser(NewUser(username: "alice", passwordHash: "!", dateJoined: 1))
        _ = try store.addUser(NewUser(username: "Alice", passwordHash: "!", dateJoined: 1))
        XCTAssertThrowsError(try store.addUser(NewUser(username: "alice", passwordHash: "x", dateJoined: 2))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.conflict, ""))
            XCTAssertTrue("\(error)".contains("already exists"), "\(error)")
        }
        XCTAssertEqual(try store.users().map(\.username), ["alice", "Alice"])
        XCTAssertEqual(try store.user(username: "alice")?.passwordHash, "!")
    }

    func testUnusualUsernamesAreStoredExactly() throws {
        for name in ["a b", "x'); DROP TABLE users; --", String(repeating: "z", count: 1000), "😀 ünï"] {
            let added = try store.addUser(NewUser(username: name, passwordHash: "", dateJoined: 1))
            XCTAssertEqual(try store.user(username: name), added)
        }
        // PostgreSQL cannot store a NUL and a C string would end there: refused on every backend, never cut short.
        _ = try store.addUser(NewUser(username: "with", passwordHash: "!", dateJoined: 1))
        XCTAssertThrowsError(try store.addUser(NewUser(username: "with\0nul", passwordHash: "", dateJoined: 1))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
        }
        XCTAssertThrowsError(try store.addUser(NewUser(username: "ok", passwordHash: "a\0b", dateJoined: 1))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
        }
        XCTAssertThrowsError(try store.setPassword(username: "with", hash: "x\0y")) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
        }
        XCTAssertNil(try store.user(username: "with\0nul"), "a NUL must not truncate the key")
        XCTAssertEqual(try store.user(username: "with")?.passwordHash, "!")
        XCTAssertEqual(try store.user(username: "a b")?.passwordHash, "", "an empty string is not NULL")
        XCTAssertThrowsError(try store.addUser(NewUser(username: "", passwordHash: "!", dateJoined: 1))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
        }
        XCTAssertThrowsError(try store.addUser(NewUser(username: "nan", passwordHash: "!", dateJoined: .nan))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
        }
    }

    func testUpdates() throws {
        let bob = try store.addUser(NewUser(username: "bob", passwordHash: "old", dateJoined: 1))
        try store.setPassword(username: "bob", hash: "new")
        XCTAssertEqual(try store.user(id: bob.id)?.passwordHash, "new")
        try store.recordLogin(token("bob-1", user: bob.id), login: LoginUpdate(userID: bob.id, passwordHash: "newer"))
        XCTAssertEqual(try store.user(id: bob.id)?.passwordHash, "newer")
        try store.setActive(username: "bob", false)
        XCTAssertEqual(try store.user(id: bob.id)?.isActive, false)
        try store.setActive(username: "bob", true)
        XCTAssertEqual(try store.user(id: bob.id)?.isActive, true)
        try store.recordLogin(token("bob-2", user: bob.id), login: LoginUpdate(userID: bob.id, lastLogin: 1234.5))
        XCTAssertEqual(try store.user(id: bob.id)?.lastLogin, 1234.5)
        XCTAssertEqual(try store.user(id: bob.id)?.passwordHash, "newer", "a login without a re-hash keeps the hash")
        XCTAssertEqual(try store.outstanding(jti: "bob-2")?.record.userID, bob.id, "the login's token is recorded")
    }

    func testUpdatesOfMissingUsersAreNotFound() throws {
        let notFound = StoreError(.notFound, "")
        XCTAssertThrowsError(try store.setPassword(username: "ghost", hash: "x")) { XCTAssertEqual($0 as? StoreError, notFound) }
        XCTAssertThrowsError(try store.recordLogin(token("t1", user: 99), login: LoginUpdate(userID: 99, passwordHash: "x"))) {
            XCTAssertEqual($0 as? StoreError, notFound)
        }
        XCTAssertThrowsError(try store.setActive(username: "ghost", false)) { XCTAssertEqual($0 as? StoreError, notFound) }
        XCTAssertThrowsError(try store.deleteUser(username: "ghost")) { XCTAssertEqual($0 as? StoreError, notFound) }
        XCTAssertThrowsError(try store.recordLogin(token("t2", user: 99), login: LoginUpdate(userID: 99, lastLogin: 1))) {
            XCTAssertEqual($0 as? StoreError, notFound)
        }
        XCTAssertNil(try store.outstanding(jti: "t2"), "a login that failed records no token")
    }

    /// Imports from concurrent transactions (`authd store copy` sends many at once; two stores here, each import
    /// its own transaction): the id sequence must end past every imported id, never moved back by an import of a
    /// smaller one that read the sequence before a larger one moved it.
    func testConcurrentImportsLeaveNoImportedIdToANewUser() throws {
        let stores = [store!, try database.open()]
        let failures = LockedList<String>()
        runConcurrently(4) { worker in
            for round in 0..<100 {
                let id = Int64((round * 4 + worker) * 3 + 3)
                do {
                    _ = try stores[worker % 2].importUser(NewUser(username: "imported-\(id)", passwordHash: "!",
                                                                  dateJoined: 1), id: id)
                } catch {
                    failures.append("\(id): \(error)")
                }
            }
        }
        XCTAssertEqual(failures.items, [])
        let highest = Int64((99 * 4 + 3) * 3 + 3)
        for index in 0..<3 {
            let added = try store.addUser(NewUser(username: "new-\(index)", passwordHash: "!", dateJoined: 2))
            XCTAssertGreaterThan(added.id, highest, "a new user got an id at or below an imported one")
        }
    }

    func testDeleteKeepsTokensWithoutAUserAndNeverReusesTheId() throws {
        let carol = try store.addUser(NewUser(username: "carol", passwordHash: "!", dateJoined: 1))
        try store.recordOutstanding(token("carol-refresh", user: carol.id))
        try store.deleteUser(username: "carol")
        XCTAssertNil(try store.user(username: "carol"))
        // SimpleJWT: on_delete=SET_NULL.
        let kept = try XCTUnwrap(try store.outstanding(jti: "carol-refresh"))
        XCTAssertNil(kept.record.userID)
        // A token that still names carol's id must never log in as someone added later.
        let dave = try store.addUser(NewUser(username: "dave", passwordHash: "!", dateJoined: 2))
        XCTAssertNotEqual(dave.id, carol.id)
    }

    func testCompletionFormsReportAfterCommit() throws {
        let erin = try store.addUser(NewUser(username: "erin", passwordHash: "!", dateJoined: 1))
        let done = expectation(description: "completions")
        done.expectedFulfillmentCount = 3
        let store = self.store!
        store.recordLogin(token("erin-1", user: erin.id), login: LoginUpdate(userID: erin.id, lastLogin: 77)) { result in
            if case .failure(let error) = result { XCTFail("\(error)") }
            // Committed: a read connection already sees it.
            XCTAssertEqual(try? store.user(id: erin.id)?.lastLogin, 77)
            done.fulfill()
        }
        store.recordLogin(token("erin-2", user: erin.id), login: LoginUpdate(userID: erin.id, passwordHash: "rehashed")) { result in
            if case .failure(let error) = result { XCTFail("\(error)") }
            done.fulfill()
        }
        store.addUser(NewUser(username: "erin", passwordHash: "!", dateJoined: 1)) { result in
            guard case .failure(let error) = result else { return XCTFail("a duplicate username was added") }
            XCTAssertEqual(error.code, .conflict)
            done.fulfill()
        }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(try store.user(id: erin.id)?.passwordHash, "rehashed")
    }
}
