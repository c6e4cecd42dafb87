import Store
import XCTest

/// `blacklistedSince`: every blacklisting in commit order, cursors that never skip one, even after a flush removed
/// the newest rows (whose numbers an ordinary rowid would hand out again).
class BlacklistFeedTests: StoreTestCase {
    private func since(_ cursor: Int64, limit: Int = 100) throws -> BlacklistBatch {
        try StoreCall.wait { store.blacklistedSince(cursor, limit: limit, completion: $0) }
    }

    func testFeedIsInCommitOrderAndResumesFromItsCursor() throws {
        for jti in ["a", "b", "c"] { _ = try store.blacklist(token(jti), reason: .logout, now: 1000) }
        let first = try since(0, limit: 2)
        XCTAssertEqual(first.entries.map(\.jti), ["a", "b"])
        XCTAssertEqual(first.entries.first?.expiresAt, 4600)
        let rest = try since(first.cursor)
        XCTAssertEqual(rest.entries.map(\.jti), ["c"])
        let empty = try since(rest.cursor)
        XCTAssertEqual(empty.entries, [])
        XCTAssertTrue(empty.complete)
        XCTAssertGreaterThanOrEqual(empty.cursor, rest.cursor, "a cursor never goes back")
    }

    func testNoBlacklistingIsSkippedAfterTheNewestRowsAreFlushed() throws {
        _ = try store.blacklist(token("old"), reason: .logout, now: 1000)
        _ = try store.blacklist(token("newest", expires: 1500), reason: .logout, now: 1000)
        let cursor = try since(0).cursor
        XCTAssertEqual(try store.flushExpired(now: 2000), 1)
        _ = try store.blacklist(token("after"), reason: .logout, now: 2000)
        XCTAssertEqual(try since(cursor).entries.map(\.jti), ["after"])
    }

    func testRotationAndReuseRevocationsAppear() throws {
        _ = try store.recordOutstanding(token("r1"))
        XCTAssertEqual(try StoreCall.wait { store.rotate(old: token("r1"), new: token("r2"), blacklistOld: true, grace: 0,
                                                         now: 1000, completion: $0) }, .rotated)
        _ = try StoreCall.wait { store.rotate(old: token("r1"), new: token("r3"), blacklistOld: true, grace: 0, now: 1001,
                                              completion: $0) }
        XCTAssertEqual(try since(0).entries.map(\.jti), ["r1", "r2"], "rotated, then its family revoked for reuse")
    }
}
