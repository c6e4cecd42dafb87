import Foundation
import JSON
import Platform
import Store
import StoreSQLite
import TestSupport
import Tokens
import XCTest

/// Issue 10's findings in the token domain: throttling, jti bounds, sliding refresh user checks, logout of a rotated
/// token.
final class SecurityFindingsTests: XCTestCase {
    private static let limits = LoginThrottle.Limits(
        addressAndUsername: .init(failures: 3, window: 60), address: .init(failures: 10, window: 60),
        username: .init(failures: 5, window: 600), usernameMaxDelay: 8, maxEntries: 1000)

    private func obtain(_ fixture: TokenServiceFixture, _ user: String, _ password: String,
                        from address: String = "192.0.2.1") -> Result<TokenPair, TokenError> {
        fixture.wait { fixture.service.obtainPair(Credentials(username: user, password: Array(password.utf8)),
                                                  context: RequestContext(peer: address, listener: 0), completion: $0) }
    }

    func testOneAddressGuessingOnePasswordIsThrottledWithoutHashing() throws {
        let fixture = try TokenServiceFixture(throttle: LoginThrottle(limits: Self.limits))
        try fixture.addUser("alice", password: "pw")
        for _ in 0..<3 { XCTAssertEqual(obtain(fixture, "alice", "guess").failure?.code, .noActiveAccount) }
        // No worker left: an attempt that reached the hashing pool would answer "busy", not "throttled".
        fixture.hashingPool.shutdown()
        let refused = obtain(fixture, "alice", "pw")
        XCTAssertEqual(refused.failure?.code, .throttled)
        XCTAssertEqual(refused.failure?.detail, "Request was throttled. Expected available in 60 seconds.")
        XCTAssertEqual(refused.failure?.retryAfter, 60)
        XCTAssertEqual(fixture.events.all.last, "loginFailed alice throttled")
        fixture.clock.advance(by: 59.5)
        XCTAssertEqual(obtain(fixture, "alice", "pw").failure?.detail, "Request was throttled. Expected available in 1 second.")
    }

    func testThrottleExpiresAndSuccessClearsThePair() throws {
        let fixture = try TokenServiceFixture(throttle: LoginThrottle(limits: Self.limits))
        try fixture.addUser("alice", password: "pw")
        for _ in 0..<2 { _ = obtain(fixture, "alice", "typo") }
        XCTAssertNoThrow(try obtain(fixture, "alice", "pw").get())
        for _ in 0..<2 { _ = obtain(fixture, "alice", "typo") }
        XCTAssertEqual(obtain(fixture, "alice", "typo").failure?.code, .noActiveAccount, "the success cleared the pair")
        XCTAssertEqual(obtain(fixture, "alice", "pw").failure?.code, .throttled)
        fixture.clock.advance(by: 61)
        XCTAssertNoThrow(try obtain(fixture, "alice", "pw").get())
    }

    func testOneAddressTryingManyUsernamesIsThrottled() throws {
        let fixture = try TokenServiceFixture(throttle: LoginThrottle(limits: Self.limits))
        for index in 0..<10 { _ = obtain(fixture, "user\(index)", "guess") }
        XCTAssertEqual(obtain(fixture, "user99", "guess").failure?.code, .throttled)
        XCTAssertEqual(obtain(fixture, "user99", "guess", from: "192.0.2.2").failure?.code, .noActiveAccount,
                       "another address is not affected")
    }

    func testDistributedGuessingSlowsTheUsernameWithoutLockingItOut() throws {
        let fixture = try TokenServiceFixture(throttle: LoginThrottle(limits: Self.limits))
        try fixture.addUser("alice", password: "pw")
        for index in 0..<5 { _ = obtain(fixture, "alice", "guess", from: "198.51.100.\(index)") }
        XCTAssertEqual(obtain(fixture, "alice", "pw", from: "203.0.113.9").failure?.retryAfter, 1)
        fixture.clock.advance(by: 1)
        for index in 5..<12 {
            _ = obtain(fixture, "alice", "guess", from: "198.51.100.\(index)")
            fixture.clock.advance(by: 60)
        }
        // The wait doubles with each failure but never exceeds usernameMaxDelay (8 s here).
        _ = obtain(fixture, "alice", "guess", from: "198.51.100.99")
        XCTAssertEqual(obtain(fixture, "alice", "pw", from: "203.0.113.9").failure?.retryAfter, 8)
        fixture.clock.advance(by: 8)
        XCTAssertNoThrow(try obtain(fixture, "alice", "pw", from: "203.0.113.9").get(), "slowed, never locked out")
    }

    func testCountersAreBounded() {
        let throttle = LoginThrottle(limits: Self.limits)
        for index in 0..<5000 {
            throttle.recordFailure(address: "10.\(index / 65536).\(index / 256 % 256).\(index % 256)",
                                   username: String(repeating: "x", count: 1000) + "\(index)", now: 1000)
        }
        XCTAssertLessThanOrEqual(throttle.count, Self.limits.maxEntries)
    }

    /// A jti the store cannot keep (empty, over 255 bytes) in a token signed with the key: 401, not 503.
    func testUnstorableJTIIsAnInvalidTokenNotAStoreFailure() throws {
        let fixture = try TokenServiceFixture()
        let now = Int64(fixture.clock.now())
        for jti in ["", String(repeating: "j", count: 256)] {
            let token = try fixture.codec.sign(["token_type": "refresh", "exp": .int(now + 600), "iat": .int(now),
                                                "jti": .string(jti), "user_id": "1"])
            for operation in ["refresh", "blacklist"] {
                let result: Result<Void, TokenError> = operation == "refresh"
                    ? fixture.wait { done in fixture.service.refresh(token, context: .local) { done($0.map { _ in () }) } }
                    : fixture.wait { fixture.service.revoke(token, context: .local, completion: $0) }
                XCTAssertEqual(result.failure, TokenError(.tokenNotValid, "Token is invalid"), "\(operation), jti of \(jti.utf8.count) bytes")
            }
        }
    }

    func testSlidingRefreshChecksTheUserAndCheckRevokeToken() throws {
        var policy = TokenPolicy()
        policy.checkRevokeToken = true
        let fixture = try TokenServiceFixture(policy: policy)
        try fixture.addUser("alice", password: "pw")
        try fixture.addUser("bob", password: "pw")
        func sliding(_ user: String) throws -> String {
            try fixture.wait { fixture.service.obtainSliding(Credentials(username: user, password: Array("pw".utf8)),
                                                             context: .local, completion: $0) }.get().token
        }
        func refresh(_ token: String) -> Result<IssuedToken, TokenError> {
            fixture.wait { fixture.service.refreshSliding(token, context: .local, completion: $0) }
        }
        let alices = try sliding("alice")
        let bobs = try sliding("bob")
        XCTAssertNoThrow(try refresh(alices).get())
        try StoreCall.wait { fixture.store.setActive(username: "alice", false, completion: $0) }
        XCTAssertEqual(refresh(alices).failure?.code, .noActiveAccountForToken, "deactivated")
        try StoreCall.wait { fixture.store.deleteUser(username: "alice", completion: $0) }
        XCTAssertEqual(refresh(alices).failure?.code, .noActiveAccountForToken, "deleted")
        let newHash = try fixture.hasher.encode(Array("new".utf8))
        try StoreCall.wait { fixture.store.setPassword(username: "bob", hash: newHash, completion: $0) }
        XCTAssertEqual(refresh(bobs).failure?.code, .passwordChanged, "CHECK_REVOKE_TOKEN")
    }

    /// Logging out with a rotated token after the grace window is a reuse, as at refresh: the family is revoked.
    func testBlacklistingARotatedTokenRevokesItsFamily() throws {
        var policy = TokenPolicy()
        policy.rotateRefreshTokens = true
        policy.blacklistAfterRotation = true
        policy.reuseGrace = 10
        let fixture = try TokenServiceFixture(policy: policy)
        try fixture.addUser("alice", password: "pw")
        let stolen = try fixture.obtainPair("alice", "pw").get().refresh.token
        let current = try XCTUnwrap(try fixture.wait { fixture.service.refresh(stolen, context: .local, completion: $0) }
            .get().refresh?.token)
        fixture.clock.advance(by: 11)
        let logout = fixture.wait { fixture.service.revoke(stolen, context: .local, completion: $0) }
        XCTAssertEqual(logout.failure, TokenError(.tokenNotValid, "Token is blacklisted"))
        XCTAssertTrue(fixture.events.all.contains { $0.hasPrefix("reuseDetected 1 theft") }, "\(fixture.events.all)")
        let after = fixture.wait { fixture.service.refresh(current, context: .local, completion: $0) }
        XCTAssertEqual(after.failure, TokenError(.tokenNotValid, "Token is blacklisted"), "the thief's token died too")
    }

    /// SimpleJWT checks the blacklist by jti for every token at verify (BLACKLIST_AFTER_ROTATION), access tokens too.
    func testVerifyRefusesAnyTokenWhoseJTIIsBlacklisted() throws {
        let fixture = try blacklistingFixture()
        let access = try fixture.obtainPair("alice", "pw").get().access
        let verify = { fixture.wait { fixture.service.verify(access.token, context: .local, completion: $0) } }
        XCTAssertNoThrow(try verify().get())
        let jti = try XCTUnwrap(try fixture.claims(of: access.token)["jti"]?.stringValue)
        // Blacklisted by another process on the same database (the CLI, another instance).
        let other = try SQLiteStore(path: fixture.store.path)
        defer { other.close() }
        _ = try StoreCall.wait {
            other.blacklist(TokenRecord(jti: jti, userID: nil, createdAt: nil, expiresAt: Double(access.expiresAt)),
                            reason: .admin, now: fixture.clock.now(), completion: $0)
        }
        // Another process's commit shows within the change feed's latency plus the view's refresh interval.
        let deadline = Date().addingTimeInterval(5)
        while (try? verify().get()) != nil && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(verify().failure, TokenError(.blacklisted, "Token is blacklisted"))
    }

    /// This process's own logout is seen by the very next verify.
    func testOwnLogoutIsSeenAtOnce() throws {
        let fixture = try blacklistingFixture()
        let refresh = try fixture.obtainPair("alice", "pw").get().refresh.token
        XCTAssertNoThrow(try fixture.wait { fixture.service.verify(refresh, context: .local, completion: $0) }.get())
        XCTAssertNoThrow(try fixture.wait { fixture.service.revoke(refresh, context: .local, completion: $0) }.get())
        XCTAssertEqual(fixture.wait { fixture.service.verify(refresh, context: .local, completion: $0) }.failure?.code,
                       .blacklisted)
    }

    /// BLACKLIST_AFTER_ROTATION on, and a user alice/pw.
    private func blacklistingFixture() throws -> TokenServiceFixture {
        var policy = TokenPolicy()
        policy.blacklistAfterRotation = true
        let fixture = try TokenServiceFixture(policy: policy)
        try fixture.addUser("alice", password: "pw")
        return fixture
    }
}
