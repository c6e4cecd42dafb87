import JOSE
import JSON
import Logging
import Passwords
import Platform
import Store

/// SimpleJWT's serializers and token classes, without HTTP: obtain, refresh, verify, revoke and the sliding pair,
/// each taking typed input and answering once through a completion, on any thread, possibly before the call
/// returns. Password work runs on the hashing pool, blocking claims providers on the claims pool, and writes
/// answer after the store's commit; no operation ever waits on the calling thread.
public final class TokenService: Sendable {
    public typealias Completion<T> = @Sendable (Result<T, TokenError>) -> Void

    public let policy: TokenPolicy
    let minter: TokenMinter
    let users: any UserStore
    let tokens: any TokenStore
    let hasher: PasswordHasher
    let hashingPool: WorkerPool
    let claimsPool: WorkerPool
    let claims: any UserClaimsSource
    let clock: any WallClock
    let log: Logger
    let events: any TokenEventSink
    /// `security.login_throttle`; nil: obtain is not throttled.
    let throttle: LoginThrottle?
    /// Verify's blacklist check, in memory.
    let blacklist: BlacklistView

    public init(policy: TokenPolicy, codec: JWTCodec, users: any UserStore, tokens: any TokenStore,
                hasher: PasswordHasher, hashingPool: WorkerPool, claimsPool: WorkerPool,
                claims: any UserClaimsSource, log: Logger, clock: any WallClock = SystemWallClock(),
                events: any TokenEventSink = TokenEventSinks([]), throttle: LoginThrottle? = nil,
                blacklist: BlacklistView? = nil) {
        self.policy = policy
        self.minter = TokenMinter(policy: policy, codec: codec)
        self.users = users
        self.tokens = tokens
        self.hasher = hasher
        self.hashingPool = hashingPool
        self.claimsPool = claimsPool
        self.claims = claims
        self.log = log
        self.clock = clock
        self.events = events
        self.throttle = throttle
        self.blacklist = blacklist ?? BlacklistView(store: tokens, changes: tokens as? any StoreChangeFeed)
    }

    // MARK: Shared steps

    /// Store failures (disk full, I/O) are the server's problem: logged, answered 503, never a 500.
    func storeFailure(_ error: StoreError) -> TokenError {
        log.error("store: \(error)")
        return .storeUnavailable
    }

    /// Wraps a completion so temporary refusals are reported to the event sinks once, whatever step refused.
    func reporting<T>(_ completion: @escaping Completion<T>) -> Completion<T> {
        let events = self.events
        return { result in
            if case .failure(let error) = result, error.code.isTemporary { events.record(.unavailable(error.code)) }
            completion(result)
        }
    }

    /// Runs the claims providers for `user`: inline when none can block, else on the claims pool.
    func evaluateClaims(for user: User, completion: @escaping Completion<JSONObject>) {
        let claims = self.claims
        guard claims.mayBlock else { return completion(Self.claims(from: claims, for: user)) }
        let accepted = claimsPool.submit { completion(Self.claims(from: claims, for: user)) }
        if !accepted { completion(.failure(.claimsUnavailable)) }
    }

    private static func claims(from source: any UserClaimsSource, for user: User) -> Result<JSONObject, TokenError> {
        do {
            return .success(try source.claims(for: user))
        } catch {
            return .failure(error)
        }
    }

    func sign(_ payload: JSONObject, kind: TokenKind) throws(TokenError) -> IssuedToken {
        do {
            return try minter.encode(payload, kind: kind)
        } catch {
            log.error("signing failed: \(error)")
            throw TokenError.storeUnavailable
        }
    }

    func record(of token: JSONObject, userID: Int64?, createdAt: Double?) -> TokenRecord {
        TokenRecord(jti: minter.jti(of: token) ?? "", userID: userID, createdAt: createdAt,
                    expiresAt: Double(token["exp"]?.intValue ?? 0))
    }
}
