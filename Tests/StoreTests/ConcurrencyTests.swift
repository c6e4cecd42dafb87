import XCTest
import Store
import TestSupport

class ConcurrencyTests: StoreTestCase {
    func testSixteenThreadsRotatingOneTokenWithGraceRotateExactlyOnce() throws {
        let store = self.store!
        try store.recordOutstanding(token("shared"))
        let outcomes = LockedList<Result<RotationOutcome, StoreError>>()
        runConcurrently(16) { index in
            outcomes.append(Result { () throws(StoreError) in
                try store.rotate(old: token("shared"), new: token("new-\(index)"), blacklistOld: true, grace: 30, now: 1_000)
            })
        }
        let values = try outcomes.items.map { try $0.get() }
        XCTAssertEqual(values.filter { $0 == .rotated }.count, 1)
        XCTAssertEqual(values.filter { $0 == .reused(revokedFamilyTokens: 0, withinGrace: true) }.count, 15)
        // Exactly one successor exists and it is usable.
        let successors = try (0..<16).compactMap { try store.outstanding(jti: "new-\($0)") }
        XCTAssertEqual(successors.count, 1)
        XCTAssertEqual(successors.first?.isBlacklisted, false)
    }

    func testSixteenThreadsRotatingOneTokenWithoutGraceRevokeTheFamily() throws {
        let store = self.store!
        try store.recordOutstanding(token("shared"))
        let outcomes = LockedList<RotationOutcome>()
        let failures = LockedList<StoreError>()
        // The completion form returns at once: wait until every completion ran.
        let completed = DispatchGroup()
        runConcurrently(16) { index in
            completed.enter()
            store.rotate(old: token("shared"), new: token("new-\(index)"), blacklistOld: true, grace: 0, now: 1_000) { result in
                switch result {
                case .success(let outcome): outcomes.append(outcome)
                case .failure(let error): failures.append(error)
                }
                completed.leave()
            }
        }
        XCTAssertEqual(completed.wait(timeout: .now() + 60), .success, "not every completion ran")
        XCTAssertEqual(failures.items, [])
        let values = outcomes.items
        XCTAssertEqual(values.filter { $0 == .rotated }.count, 1)
        let reused = values.compactMap { outcome -> Int? in
            if case .reused(let revoked, let withinGrace) = outcome, !withinGrace { return revoked }
            return nil
        }
        XCTAssertEqual(reused.count, 15)
        // The first reuse revoked the new token; later ones found nothing left to revoke.
        XCTAssertEqual(reused.reduce(0, +), 1)
        let successors = try (0..<16).compactMap { try store.outstanding(jti: "new-\($0)") }
        XCTAssertEqual(successors.count, 1)
        XCTAssertEqual(successors.first?.blacklistReason, .reuse)
    }

    func testTwoStoresOnOneDatabaseWriteConcurrently() throws {
        // Like the CLI and the daemon, or two instances: two independent stores (own writer connections) on one database.
        let daemon = self.store!
        let cli = try database.open(patient: true)
        let failures = LockedList<String>()
        runConcurrently(8) { index in
            let store = index % 2 == 0 ? daemon : cli
            for n in 0..<100 {
                do {
                    let outcome = try store.rotate(old: token("t\(index)-\(n)"), new: token("t\(index)-\(n + 1)"),
                                                   blacklistOld: true, grace: 0, now: 1_000)
                    if outcome != .rotated { failures.append("t\(index)-\(n): \(outcome)") }
                    if n % 25 == 0 {
                        _ = try store.addUser(NewUser(username: "user-\(index)-\(n)", passwordHash: "!", dateJoined: 1))
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        XCTAssertEqual(failures.items, [])
        // Each store sees the other's writes.
        for store in [daemon, cli] {
            XCTAssertEqual(try store.users().count, 8 * 4)
            for index in 0..<8 {
                XCTAssertTrue(try store.isBlacklisted(jti: "t\(index)-99"))
                XCTAssertEqual(try store.outstanding(jti: "t\(index)-100")?.family, "t\(index)-0")
            }
        }
    }

    func testAFailingWriteDoesNotSpoilTheOthersCommittedWithIt() throws {
        // Queued together, these run in the same group commit; a failing one is rolled back alone.
        let store = self.store!
        let results = LockedList<(Int, Result<User, StoreError>)>()
        let done = expectation(description: "all completions")
        done.expectedFulfillmentCount = 200
        for index in 0..<200 {
            // Every odd index repeats the name of the even one before it.
            store.addUser(NewUser(username: "user-\(index / 2)", passwordHash: "!", dateJoined: 1)) { result in
                results.append((index, result))
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 60)
        for (index, result) in results.items {
            switch (index % 2, result) {
            case (0, .success(let user)): XCTAssertEqual(user.username, "user-\(index / 2)")
            case (1, .failure(let error)): XCTAssertEqual(error.code, .conflict)
            default: XCTFail("unexpected result for \(index): \(result)")
            }
        }
        XCTAssertEqual(try store.users().count, 100)
    }

    func testAWriteQueuedFromACompletionRunsInALaterCommit() throws {
        let store = self.store!
        let done = expectation(description: "completion")
        let inner = LockedList<Result<Bool, StoreError>>()
        store.recordOutstanding(token("first"), family: nil, parentJTI: nil) { _ in
            // On the writer thread, after the first commit: the second write must not wait for this one to return.
            store.recordOutstanding(token("second"), family: nil, parentJTI: nil) { result in
                inner.append(result)
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(inner.items.count, 1)
        XCTAssertEqual(try inner.items.first?.get(), true)
        XCTAssertNotNil(try store.outstanding(jti: "second"))
    }
}

/// The change counter that cached views (users, blacklist) consult instead of the database.
class ChangeFeedTests: StoreTestCase {
    func testOwnCommitsShowAtOnceAndOtherProcessesCommitsSoon() throws {
        let before = store.changeVersion
        try store.recordOutstanding(token("mine"))
        XCTAssertGreaterThan(store.changeVersion, before, "this process's commit shows before its completion runs")

        // Another connection, as the CLI or a second daemon would write.
        let other = try database.open()
        let seen = store.changeVersion
        _ = try other.addUser(NewUser(username: "cli-user", passwordHash: "!", dateJoined: 1))
        other.close()
        let deadline = Date().addingTimeInterval(10)
        while store.changeVersion == seen, Date() < deadline { usleep(10_000) }
        XCTAssertGreaterThan(store.changeVersion, seen, "another process's commit shows within changeLatency")
    }
}
