import Dispatch
import JSON
import Platform
import Store
import Synchronization
import TestSupport
import Tokens
import XCTest

/// The token domain in-process with a manual clock: SimpleJWT's semantics without HTTP.
final class TokenServiceTests: XCTestCase {
    private func rotatingPolicy() -> TokenPolicy {
        var policy = TokenPolicy()
        policy.rotateRefreshTokens = true
        policy.blacklistAfterRotation = true
        policy.reuseGrace = 10
        return policy
    }

    func testObtainPairIssuesSimpleJWTClaimsOnTheInjectedClock() throws {
        let fixture = try TokenServiceFixture()
        let alice = try fixture.addUser("alice", password: "pw")
        let pair = try fixture.obtainPair("alice", "pw").get()
        let now = Int64(fixture.clock.now())
        XCTAssertEqual(pair.refresh.kind, .refresh)
        XCTAssertEqual(pair.access.kind, .access)
        XCTAssertEqual(pair.refresh.expiresAt, now + 86_400)
        XCTAssertEqual(pair.access.expiresAt, now + 300)
        let refresh = try fixture.claims(of: pair.refresh.token)
        let access = try fixture.claims(of: pair.access.token)
        XCTAssertEqual(refresh["token_type"], "refresh")
        XCTAssertEqual(refresh["user_id"], .string(String(alice.id)))
        XCTAssertEqual(refresh["iat"], .int(now))
        XCTAssertEqual(access["token_type"], "access")
        XCTAssertEqual(access["user_id"], .string(String(alice.id)))
        XCTAssertNotEqual(access["jti"], refresh["jti"])
        let jti = try XCTUnwrap(refresh["jti"]?.stringValue)
        XCTAssertEqual(jti.count, 32)
        XCTAssertNotNil(try StoreCall.wait { fixture.store.outstanding(jti: jti, completion: $0) },
                        "the refresh token is recorded before it is handed out")
    }

    func testBadCredentialsAreOneRefusal() throws {
        let fixture = try TokenServiceFixture()
        try fixture.addUser("alice", password: "pw")
        try fixture.addUser("sleepy", password: "pw", active: false)
        for (user, password) in [("alice", "wrong"), ("nobody", "pw"), ("sleepy", "pw"), ("alice", " pw")] {
            XCTAssertEqual(fixture.obtainPair(user, password).failure?.code, .noActiveAccount, "\(user)/\(password)")
        }
    }

    func testAccessTokensExpireWithTheClock() throws {
        let fixture = try TokenServiceFixture()
        try fixture.addUser("alice", password: "pw")
        let access = try fixture.obtainPair("alice", "pw").get().access.token
        XCTAssertNotNil(try? fixture.wait { fixture.service.verify(access, context: .local, completion: $0) }.get())
        fixture.clock.advance(by: 301)
        let refused = fixture.wait { fixture.service.verify(access, context: .local, completion: $0) }
        XCTAssertEqual(refused.failure, TokenError(.tokenNotValid, "Token is expired"))
    }

    /// Forward auth remembers the tokens it verified (JWTCodec's memo); a remembered token still expires.
    func testForwardAuthsRememberedTokenStillExpiresWithTheClock() throws {
        let fixture = try TokenServiceFixture()
        try fixture.addUser("alice", password: "pw")
        let access = try fixture.obtainPair("alice", "pw").get().access.token
        let authenticator = RequestAuthenticator(service: fixture.service, users: nil)
        func authenticate() -> Result<AuthenticatedUser, AuthenticationError> {
            let done = DispatchSemaphore(value: 0)
            let answer = Mutex<Result<AuthenticatedUser, AuthenticationError>?>(nil)
            authenticator.authenticate(access) { result in
                answer.withLock { $0 = result }
                done.signal()
            }
            done.wait()
            return answer.withLock { $0! }
        }
        for _ in 0..<2 { XCTAssertNoThrow(try authenticate().get(), "the first time verified, the second remembered") }
        fixture.clock.advance(by: 301)
        guard case .failure(let error) = authenticate() else { return XCTFail("an expired token passed forward auth") }
        XCTAssertEqual(error, AuthenticationError(.tokenNotValid, "Token is expired"))
    }

    func testRotationThenReuseRevokesTheFamilyAfterTheGraceWindow() throws {
        let fixture = try TokenServiceFixture(policy: rotatingPolicy())
        try fixture.addUser("alice", password: "pw")
        let first = try fixture.obtainPair("alice", "pw").get().refresh.token
        fixture.clock.advance(by: 1)
        let rotated = try fixture.wait { fixture.service.refresh(first, context: .local, completion: $0) }.get()
        let second = try XCTUnwrap(rotated.refresh).token
        XCTAssertEqual(try fixture.claims(of: rotated.access.token)["token_type"], "access")

        // The immediate predecessor within the grace window: refused, the family lives on.
        let raced = fixture.wait { fixture.service.refresh(first, context: .local, completion: $0) }
        XCTAssertEqual(raced.failure, TokenError(.tokenNotValid, "Token is blacklisted"))
        let third = try XCTUnwrap(fixture.wait { fixture.service.refresh(second, context: .local, completion: $0) }.get().refresh)

        // Much later, the first token comes back: theft. Every token of the family is revoked.
        fixture.clock.advance(by: 60)
        let reused = fixture.wait { fixture.service.refresh(first, context: .local, completion: $0) }
        XCTAssertEqual(reused.failure, TokenError(.tokenNotValid, "Token is blacklisted"))
        let secondJTI = try XCTUnwrap(fixture.claims(of: second)["jti"]?.stringValue)
        let thirdJTI = try XCTUnwrap(fixture.claims(of: third.token)["jti"]?.stringValue)
        XCTAssertEqual(try StoreCall.wait { fixture.store.outstanding(jti: secondJTI, completion: $0) }?.blacklistReason, .rotated)
        XCTAssertEqual(try StoreCall.wait { fixture.store.outstanding(jti: thirdJTI, completion: $0) }?.blacklistReason, .reuse,
                       "the newest token of the family, the one a thief would hold, is revoked")
        XCTAssertEqual(fixture.wait { fixture.service.refresh(third.token, context: .local, completion: $0) }.failure,
                       TokenError(.tokenNotValid, "Token is blacklisted"))
    }

    func testRevokedRefreshTokensAreRefusedAndVerifyReportsTheBlacklist() throws {
        let fixture = try TokenServiceFixture(policy: rotatingPolicy())
        try fixture.addUser("alice", password: "pw")
        let refresh = try fixture.obtainPair("alice", "pw").get().refresh.token
        XCTAssertNotNil(try? fixture.wait { fixture.service.revoke(refresh, context: .local, completion: $0) }.get())
        XCTAssertEqual(fixture.wait { fixture.service.refresh(refresh, context: .local, completion: $0) }.failure,
                       TokenError(.tokenNotValid, "Token is blacklisted"))
        XCTAssertEqual(fixture.wait { fixture.service.verify(refresh, context: .local, completion: $0) }.failure?.code,
                       .blacklisted)
    }

    func testSlidingTokensRefreshUntilRefreshExp() throws {
        var policy = TokenPolicy()
        policy.slidingLifetime = 60
        policy.slidingRefreshLifetime = 120
        let fixture = try TokenServiceFixture(policy: policy)
        try fixture.addUser("alice", password: "pw")
        let sliding = try fixture.wait {
            fixture.service.obtainSliding(Credentials(username: "alice", password: Array("pw".utf8)), context: .local,
                                          completion: $0)
        }.get()
        XCTAssertEqual(sliding.refreshExpiresAt, Int64(fixture.clock.now()) + 120)
        fixture.clock.advance(by: 50)
        let extended = try fixture.wait { fixture.service.refreshSliding(sliding.token, context: .local, completion: $0) }.get()
        XCTAssertEqual(extended.expiresAt, Int64(fixture.clock.now()) + 60)
        XCTAssertEqual(try fixture.claims(of: extended.token)["jti"], try fixture.claims(of: sliding.token)["jti"])
        fixture.clock.advance(by: 100)
        XCTAssertEqual(fixture.wait { fixture.service.refreshSliding(extended.token, context: .local, completion: $0) }.failure,
                       TokenError(.tokenNotValid, "Token is expired"))
    }

    func testRefreshOfADeletedUserIsRefusedWithout500() throws {
        let fixture = try TokenServiceFixture()
        try fixture.addUser("bob", password: "pw")
        let refresh = try fixture.obtainPair("bob", "pw").get().refresh.token
        try StoreCall.wait { fixture.store.deleteUser(username: "bob", completion: $0) }
        XCTAssertEqual(fixture.wait { fixture.service.refresh(refresh, context: .local, completion: $0) }.failure?.code,
                       .noActiveAccountForToken)
    }

    func testAFullWorkerPoolAnswersBusyAtOnce() throws {
        let fixture = try TokenServiceFixture(hashingWorkers: 1, hashingQueue: 0)
        try fixture.addUser("alice", password: "pw")
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        XCTAssertTrue(fixture.hashingPool.submit { started.signal(); release.wait() })
        started.wait()
        XCTAssertEqual(fixture.obtainPair("alice", "pw").failure?.code, .hashingBusy)
        release.signal()
    }

    /// A client that already holds its share of the pool (while others would still find a place) gets its 503 a
    /// little later, not at once: retrying at once, a flood's cheap refusals would starve everyone's hashing.
    func testAClientOverItsShareOfThePoolIsAnsweredBusyOnlyLater() throws {
        let fixture = try TokenServiceFixture(hashingWorkers: 1, hashingQueue: 3)   // 4 places, 2 per client
        try fixture.addUser("alice", password: "pw")
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        XCTAssertTrue(fixture.hashingPool.submit(key: RequestContext.local.peer) { started.signal(); release.wait() })
        started.wait()
        XCTAssertTrue(fixture.hashingPool.submit(key: RequestContext.local.peer) {})
        let answer = LockedAnswer()
        let answered = DispatchSemaphore(value: 0)
        fixture.service.obtainPair(Credentials(username: "alice", password: Array("pw".utf8)), context: .local) { result in
            answer.set(result.failure?.code)
            answered.signal()
        }
        XCTAssertNil(answer.get(), "answered at once")
        answered.wait()
        XCTAssertEqual(answer.get(), .hashingBusy)
        release.signal()
    }

    func testSecurityEventsAreReportedForTheAuditLogAndMetrics() throws {
        let fixture = try TokenServiceFixture(policy: rotatingPolicy())
        try fixture.addUser("alice", password: "pw")
        _ = fixture.obtainPair("alice", "nope")
        _ = fixture.obtainPair("ghost", "pw")
        let first = try fixture.obtainPair("alice", "pw").get().refresh.token
        XCTAssertEqual(fixture.events.all, ["loginFailed alice bad password", "loginFailed ghost no such user",
                                            "loginSucceeded alice", "issued refresh", "issued access"])
        fixture.events.clear()
        let second = try XCTUnwrap(fixture.wait { fixture.service.refresh(first, context: .local, completion: $0) }.get().refresh)
        fixture.clock.advance(by: 60)
        _ = fixture.wait { fixture.service.refresh(first, context: .local, completion: $0) }
        _ = fixture.wait { fixture.service.revoke(second.token, context: .local, completion: $0) }
        // The revoked second token can no longer be logged out; presenting it is a reuse, as at refresh (nothing left
        // to revoke).
        XCTAssertEqual(fixture.events.all, ["rotated", "issued access", "issued refresh", "reuseDetected 1 theft",
                                            "reuseDetected 0 theft"])
    }

    func testAFailingClaimsSourceRefusesTheTokenAsUnavailable() throws {
        let fixture = try TokenServiceFixture(claims: FailingClaims())
        try fixture.addUser("alice", password: "pw")
        XCTAssertEqual(fixture.obtainPair("alice", "pw").failure?.code, .claimsUnavailable)
        XCTAssertEqual(fixture.events.all, ["unavailable claimsUnavailable"])
    }
}

/// A claims source whose provider is down (e.g. a hook that timed out, `on_error: fail`).
private struct FailingClaims: UserClaimsSource {
    func claims(for user: User) throws(TokenError) -> JSONObject { throw TokenError.claimsUnavailable }
    var reevaluatesOnRefresh: Bool { false }
    var mayBlock: Bool { true }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// The one answer of an operation, set from another thread.
private final class LockedAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var code: TokenError.Code?

    func set(_ value: TokenError.Code?) { lock.withLock { code = value } }
    func get() -> TokenError.Code? { lock.withLock { code } }
}
