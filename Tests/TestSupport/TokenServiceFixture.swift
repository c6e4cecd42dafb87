import Foundation
import JOSE
import JSON
import Logging
import Passwords
import Platform
import Store
import StoreSQLite
import Tokens

/// The token domain in-process, from real parts: an SQLite store in a temporary folder, an HS256 codec, cheap
/// PBKDF2, real worker pools, and a `ManualClock` the test moves. No sockets: for domain and HTTP-layer tests.
public final class TokenServiceFixture {
    public let folder: TemporaryDirectory
    public let store: SQLiteStore
    public let clock = ManualClock(1_800_000_000)
    public let codec: JWTCodec
    public let hasher: PasswordHasher
    public let hashingPool: WorkerPool
    public let claimsPool: WorkerPool
    public let service: TokenService
    public let policy: TokenPolicy
    /// Every event the domain reported, in order.
    public let events = RecordedEvents()

    public static let secret = Array("fixture-secret-of-at-least-thirty-two-bytes".utf8)

    public init(policy: TokenPolicy = TokenPolicy(), claims: any UserClaimsSource = NoClaims(),
                hashingWorkers: Int = 2, hashingQueue: Int = 8, throttle: LoginThrottle? = nil) throws {
        folder = try TemporaryDirectory(prefix: "authd-domain")
        store = try SQLiteStore(path: folder.file("authd.sqlite3"))
        codec = try JWTCodec(algorithm: .HS256, signingKey: Self.secret, verifyingKey: nil)
        hasher = try PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1000)
        hashingPool = WorkerPool(workers: hashingWorkers, queueLimit: hashingQueue)
        claimsPool = WorkerPool(workers: 2, queueLimit: 8, niceness: 0)
        self.policy = policy
        service = TokenService(policy: policy, codec: codec, users: store, tokens: store, hasher: hasher,
                               hashingPool: hashingPool, claimsPool: claimsPool, claims: claims,
                               log: Logger(level: .error), clock: clock, events: events, throttle: throttle)
    }

    deinit {
        hashingPool.shutdown()
        claimsPool.shutdown()
        store.close()
    }

    /// Adds a user with this password (hashed with the fixture's hasher); answers its id.
    @discardableResult
    public func addUser(_ name: String, password: String, active: Bool = true) throws -> User {
        let hash = try hasher.encode(Array(password.utf8))
        return try StoreCall.wait {
            store.addUser(NewUser(username: name, passwordHash: hash, isActive: active, dateJoined: clock.now()),
                          completion: $0)
        }
    }

    /// Runs an operation and waits for its one answer.
    public func wait<T: Sendable>(_ start: (@escaping @Sendable (Result<T, TokenError>) -> Void) -> Void)
        -> Result<T, TokenError> {
        let done = DispatchSemaphore(value: 0)
        let answers = Answers<T>()
        start { result in
            answers.append(result)
            done.signal()
        }
        done.wait()
        precondition(answers.count == 1, "an operation answered \(answers.count) times")
        return answers.first!
    }

    public func obtainPair(_ username: String, _ password: String) -> Result<TokenPair, TokenError> {
        wait { service.obtainPair(Credentials(username: username, password: Array(password.utf8)), context: .local,
                                  completion: $0) }
    }

    /// The claims of a token the fixture issued (signature checked, time not).
    public func claims(of token: String) throws -> JSONObject {
        try codec.decode(token, validation: JWTValidation(verifyExpiry: false), now: Int64(clock.now())).claims
    }
}

/// Answers collected from another thread.
final class Answers<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Result<T, TokenError>] = []
    func append(_ item: Result<T, TokenError>) { lock.lock(); items.append(item); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return items.count }
    var first: Result<T, TokenError>? { lock.lock(); defer { lock.unlock() }; return items.first }
}

/// A sink that keeps the events, as one-line descriptions ("loginFailed bad password").
public final class RecordedEvents: TokenEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    public func record(_ event: TokenEvent) {
        let line: String
        switch event {
        case .loginSucceeded(_, let username, _): line = "loginSucceeded \(username)"
        case .loginFailed(let username, let reason, _): line = "loginFailed \(username) \(reason.rawValue)"
        case .issued(let kind): line = "issued \(kind.rawValue)"
        case .rotated: line = "rotated"
        case .reuseDetected(_, let revoked, let withinGrace, _): line = "reuseDetected \(revoked) \(withinGrace ? "grace" : "theft")"
        case .loggedOut: line = "loggedOut"
        case .unavailable(let code): line = "unavailable \(code)"
        }
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    public var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }

    public func clear() { lock.lock(); lines.removeAll(); lock.unlock() }
}
