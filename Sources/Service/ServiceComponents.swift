import JOSE
import Passwords
import Settings
import Store

/// Everything built from a settings file: validated, provisioned, and ready to serve (or just checked).
public final class ServiceComponents: Sendable {
    public let settings: AuthdSettings
    public let codec: JWTCodec
    public let store: Store
    public let hasher: PasswordHasher
    public let policy: TokenPolicy
    public let log: Logger

    /// Loads and provisions everything the settings name (keys, store), collecting every error.
    /// Binds no socket: `authd check-config` and every CLI command use this too.
    public init(settings: AuthdSettings) throws(ConfigurationFailure) {
        var problems: [String] = []
        self.settings = settings
        log = Logger(level: Logger.Level(name: settings.logging.level.name) ?? .info)

        var codec: JWTCodec?
        do {
            codec = try Self.makeCodec(settings.simpleJWT)
        } catch {
            problems.append(error.description)
        }
        var store: Store?
        do {
            store = try Store(path: settings.store.sqlitePath,
                              busyTimeoutMilliseconds: Int(settings.store.busyTimeout.milliseconds))
        } catch {
            problems.append("\(settings.sourcePath): store.sqlite: \(settings.store.sqlitePath): \(error.message)")
        }
        var hasher: PasswordHasher?
        do {
            hasher = try Self.makeHasher(settings.passwords)
        } catch {
            problems.append(error.description)
        }
        guard problems.isEmpty, let codec, let store, let hasher else {
            store?.close()
            throw ConfigurationFailure(problems)
        }
        self.codec = codec
        self.store = store
        self.hasher = hasher
        policy = TokenPolicy(settings.simpleJWT, reuseGrace: settings.security.refreshReuseGrace)
    }

    /// The token codec, with key errors pointing at the SIGNING_KEY / VERIFYING_KEY setting.
    public static func makeCodec(_ jwt: SimpleJWTSettings) throws(ConfigurationFailure) -> JWTCodec {
        guard let algorithm = JWSAlgorithm(rawValue: jwt.algorithm.name) else {
            throw ConfigurationFailure(["SIMPLE_JWT.ALGORITHM: \(jwt.algorithm.name) is not supported"])
        }
        do {
            return try JWTCodec(algorithm: algorithm, signingKey: jwt.signingKey.bytes,
                                verifyingKey: jwt.verifyingKey?.bytes)
        } catch {
            let key = error.code == .keyMismatch ? (jwt.verifyingKey ?? jwt.signingKey) : jwt.signingKey
            throw ConfigurationFailure(["\(key.mark): SIMPLE_JWT.\(key.keyPath): \(error.message)"])
        }
    }

    public static func makeHasher(_ passwords: PasswordSettings) throws(ConfigurationFailure) -> PasswordHasher {
        let algorithm: PasswordAlgorithm
        switch passwords.hasher {
        case .pbkdf2SHA1: algorithm = .pbkdf2_sha1
        case .scrypt: algorithm = .scrypt
        default: algorithm = .pbkdf2_sha256
        }
        do {
            return try PasswordHasher(algorithm: algorithm, iterations: passwords.iterations,
                                      scryptWorkFactor: passwords.workFactor, scryptBlockSize: passwords.blockSize,
                                      scryptParallelism: passwords.parallelism)
        } catch {
            throw ConfigurationFailure(["passwords: \(error.message)"])
        }
    }
}
