import XCTest
import Store

class TokenTests: StoreTestCase {
    func testRecordOutstandingIsIdempotentAndKeepsTheFirstRecord() throws {
        let user = try store.addUser(NewUser(username: "u", passwordHash: "!", dateJoined: 1))
        XCTAssertTrue(try store.recordOutstanding(token("t1", user: user.id, now: 10)))
        XCTAssertFalse(try store.recordOutstanding(token("t1", user: nil, now: 20)))
        let stored = try XCTUnwrap(try store.outstanding(jti: "t1"))
        XCTAssertEqual(stored.record, token("t1", user: user.id, now: 10))
        XCTAssertEqual(stored.family, "t1")
        XCTAssertNil(stored.parentJTI)
        XCTAssertFalse(stored.isBlacklisted)
        XCTAssertNil(try store.outstanding(jti: "t2"))
    }

    func testATokenForAnUnknownUserIsRecordedWithoutAUser() throws {
        // SimpleJWT: User.DoesNotExist → user = None; never a foreign-key failure.
        try store.recordOutstanding(token("orphan", user: 4242))
        XCTAssertNil(try store.outstanding(jti: "orphan")?.record.userID)
        XCTAssertTrue(try store.blacklist(token("orphan2", user: 4242), reason: .logout, now: 5))
        XCTAssertNil(try store.outstanding(jti: "orphan2")?.record.userID)
    }

    func testFamilyDefaultsToTheParentsFamily() throws {
        try store.recordOutstanding(token("root"))
        try store.recordOutstanding(token("child"), parentJTI: "root")
        try store.recordOutstanding(token("grandchild"), parentJTI: "child")
        try store.recordOutstanding(token("explicit"), family: "other", parentJTI: "root")
        XCTAssertEqual(try store.outstanding(jti: "grandchild")?.family, "root")
        XCTAssertEqual(try store.outstanding(jti: "grandchild")?.parentJTI, "child")
        XCTAssertEqual(try store.outstanding(jti: "explicit")?.family, "other")
    }

    func testBlacklistIsIdempotentAndRecordsUnseenTokens() throws {
        XCTAssertFalse(try store.isBlacklisted(jti: "minted-by-simplejwt"))
        XCTAssertTrue(try store.blacklist(token("minted-by-simplejwt"), reason: .logout, now: 100))
        XCTAssertTrue(try store.isBlacklisted(jti: "minted-by-simplejwt"))
        XCTAssertFalse(try store.blacklist(token("minted-by-simplejwt"), reason: .admin, now: 200))
        let stored = try XCTUnwrap(try store.outstanding(jti: "minted-by-simplejwt"))
        XCTAssertEqual(stored.blacklistReason, .logout, "the first reason is kept")
        XCTAssertEqual(stored.blacklistedAt, 100)
        XCTAssertFalse(try store.isBlacklisted(jti: "something-else"))
    }

    func testBadTokenValuesAreRejectedNotStored() throws {
        let invalid = StoreError(.invalidArgument, "")
        try store.recordOutstanding(token("nul"))
        for bad in [token(""), token(String(repeating: "j", count: 256)), token("x", expires: .infinity), token("nul\0x"),
                    TokenRecord(jti: "y", userID: nil, createdAt: .nan, expiresAt: 1)] {
            XCTAssertThrowsError(try store.recordOutstanding(bad)) { XCTAssertEqual($0 as? StoreError, invalid) }
            XCTAssertThrowsError(try store.blacklist(bad, reason: .logout, now: 1)) { XCTAssertEqual($0 as? StoreError, invalid) }
        }
        XCTAssertThrowsError(try store.rotate(old: token("a"), new: token("a"), blacklistOld: true, grace: 0, now: 1)) {
            XCTAssertEqual($0 as? StoreError, invalid)
        }
        XCTAssertThrowsError(try store.rotate(old: token("a"), new: token("b"), blacklistOld: true, grace: .nan, now: 1)) {
            XCTAssertEqual($0 as? StoreError, invalid)
        }
        XCTAssertNil(try store.outstanding(jti: "a"))
        XCTAssertNil(try store.outstanding(jti: "nul\0x"))
        XCTAssertFalse(try store.isBlacklisted(jti: "nul\0x"))
        XCTAssertFalse(try store.isBlacklisted(jti: "nul"), "a jti with a NUL never stands for the one before it")
        XCTAssertTrue(try store.recordOutstanding(token(String(repeating: "j", count: 255))))
    }

    func testRotationChainsTokensInOneFamily() throws {
        XCTAssertEqual(try store.rotate(old: token("r1"), new: token("r2"), blacklistOld: true, grace: 0, now: 10), .rotated)
        XCTAssertEqual(try store.rotate(old: token("r2"), new: token("r3"), blacklistOld: true, grace: 0, now: 20), .rotated)
        // r1 was never recorded (SimpleJWT minted it): it is recorded on first use and starts the family.
        XCTAssertEqual(try store.outstanding(jti: "r1")?.family, "r1")
        XCTAssertEqual(try store.outstanding(jti: "r1")?.blacklistReason, .rotated)
        XCTAssertEqual(try store.outstanding(jti: "r1")?.blacklistedAt, 10)
        let r3 = try XCTUnwrap(try store.outstanding(jti: "r3"))
        XCTAssertEqual(r3.family, "r1")
        XCTAssertEqual(r3.parentJTI, "r2")
        XCTAssertFalse(r3.isBlacklisted)
        XCTAssertTrue(try store.isBlacklisted(jti: "r2"))
    }

    func testRotationWithoutBlacklistAfterRotationLeavesTheOldTokenUsable() throws {
        XCTAssertEqual(try store.rotate(old: token("k1"), new: token("k2"), blacklistOld: false, grace: 0, now: 10), .rotated)
        XCTAssertEqual(try store.rotate(old: token("k1"), new: token("k3"), blacklistOld: false, grace: 0, now: 11), .rotated)
        XCTAssertFalse(try store.isBlacklisted(jti: "k1"))
        XCTAssertEqual(try store.outstanding(jti: "k3")?.parentJTI, "k1")
    }

    func testReuseOfAnOldAncestorRevokesEveryDescendant() throws {
        // a → b → c → d, plus an unrelated family that must stay untouched.
        let chain = ["a", "b", "c", "d"]
        for (old, new) in zip(chain, chain.dropFirst()) {
            XCTAssertEqual(try store.rotate(old: token(old), new: token(new), blacklistOld: true, grace: 60, now: 100), .rotated)
        }
        try store.recordOutstanding(token("unrelated"))
        // "a" was rotated within the grace window, but its child "b" has been rotated since: not a benign race.
        XCTAssertEqual(try store.rotate(old: token("a"), new: token("e"), blacklistOld: true, grace: 60, now: 101),
                       .reused(revokedFamilyTokens: 1, withinGrace: false))
        for jti in chain { XCTAssertTrue(try store.isBlacklisted(jti: jti), jti) }
        XCTAssertEqual(try store.outstanding(jti: "d")?.blacklistReason, .reuse)
        XCTAssertNil(try store.outstanding(jti: "e"), "a reused token gets no successor")
        XCTAssertFalse(try store.isBlacklisted(jti: "unrelated"))
        // Using the newest (now revoked) token again revokes nothing more.
        XCTAssertEqual(try store.rotate(old: token("d"), new: token("f"), blacklistOld: true, grace: 60, now: 102),
                       .reused(revokedFamilyTokens: 0, withinGrace: false))
    }

    func testGraceCoversOnlyARecentRotationOfTheNewestPredecessor() throws {
        XCTAssertEqual(try store.rotate(old: token("g1"), new: token("g2"), blacklistOld: true, grace: 10, now: 100), .rotated)
        XCTAssertEqual(try store.rotate(old: token("g1"), new: token("g3"), blacklistOld: true, grace: 10, now: 109.5),
                       .reused(revokedFamilyTokens: 0, withinGrace: true))
        XCTAssertFalse(try store.isBlacklisted(jti: "g2"))
        // Ten seconds later the same reuse revokes the family.
        XCTAssertEqual(try store.rotate(old: token("g1"), new: token("g4"), blacklistOld: true, grace: 10, now: 110),
                       .reused(revokedFamilyTokens: 1, withinGrace: false))
        XCTAssertTrue(try store.isBlacklisted(jti: "g2"))
        // A token blacklisted by logout is never within grace.
        try store.blacklist(token("l1"), reason: .logout, now: 200)
        XCTAssertEqual(try store.rotate(old: token("l1"), new: token("l2"), blacklistOld: true, grace: 10, now: 200),
                       .reused(revokedFamilyTokens: 0, withinGrace: false))
    }

    func testANewJTIThatIsAlreadyRecordedIsAConflictAndChangesNothing() throws {
        try store.recordOutstanding(token("taken"))
        XCTAssertThrowsError(try store.rotate(old: token("o"), new: token("taken"), blacklistOld: true, grace: 0, now: 1)) {
            XCTAssertEqual($0 as? StoreError, StoreError(.conflict, ""))
        }
        // The failed rotation rolled back to its savepoint: "o" was neither recorded nor blacklisted.
        XCTAssertNil(try store.outstanding(jti: "o"))
    }

    func testFlushExpiredDeletesExpiredTokensAndTheirBlacklistRows() throws {
        try store.recordOutstanding(token("expired", expires: 50))
        try store.blacklist(token("expired-blacklisted", expires: 99), reason: .logout, now: 10)
        try store.recordOutstanding(token("at-the-boundary", expires: 100))
        try store.recordOutstanding(token("live", expires: 101))
        try store.blacklist(token("live-blacklisted", expires: 500), reason: .logout, now: 10)
        // SimpleJWT's flushexpiredtokens deletes expires_at <= now.
        XCTAssertEqual(try store.flushExpired(now: 100), 3)
        XCTAssertNil(try store.outstanding(jti: "expired"))
        XCTAssertNil(try store.outstanding(jti: "at-the-boundary"))
        XCTAssertFalse(try store.isBlacklisted(jti: "expired-blacklisted"))
        XCTAssertNotNil(try store.outstanding(jti: "live"))
        XCTAssertTrue(try store.isBlacklisted(jti: "live-blacklisted"))
        XCTAssertEqual(try store.flushExpired(now: 100), 0)
    }

    func testFlushExpiredHandlesMoreThanOneChunk() throws {
        let store = self.store!
        let done = expectation(description: "recorded")
        done.expectedFulfillmentCount = 12_001
        for index in 0..<12_001 {
            store.recordOutstanding(token("bulk-\(index)", expires: 10), family: nil, parentJTI: nil) { result in
                XCTAssertEqual(try? result.get(), true)
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 120)
        XCTAssertEqual(try store.flushExpired(now: 11), 12_001)
        XCTAssertNil(try store.outstanding(jti: "bulk-0"))
    }

    func testClosedStoreRefusesWrites() throws {
        store.close()
        XCTAssertThrowsError(try store.recordOutstanding(token("late"))) {
            XCTAssertEqual($0 as? StoreError, StoreError(.closed, ""))
        }
        XCTAssertFalse(try store.isBlacklisted(jti: "late"), "reads still work")
    }
}
