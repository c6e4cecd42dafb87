import API
import Audit
import JOSE
import Logging
import Passwords
import Plugins
import Settings
import Store
import Tokens

/// The one assembly: builds a `Runtime` from settings (step-ca's `New(config)`), the same way for `serve`, a
/// reload and `check-config`. Building has no side effects: keys are read, providers constructed and validated,
/// nothing is opened for writing; the store and pools come in from outside (`Services`).
public struct RuntimeBuilder {
    public let settings: AuthdSettings
    public let registry: ProviderRegistry

    public init(settings: AuthdSettings, registry: ProviderRegistry) {
        self.settings = settings
        self.registry = registry
    }

    /// What settings determine without a store: collected with every error at once.
    struct Parts {
        let codec: JWTCodec
        let hasher: PasswordHasher
        let policy: TokenPolicy
        let log: Logger
    }

    func parts() throws(ConfigurationFailure) -> Parts {
        var problems: [String] = []
        var codec: JWTCodec?
        do throws(ConfigurationFailure) {
            codec = try Self.makeCodec(settings.simpleJWT, keys: settings.keys)
        } catch {
            problems += error.messages
        }
        var hasher: PasswordHasher?
        do throws(ConfigurationFailure) {
            hasher = try Self.makeHasher(settings.passwords)
        } catch {
            problems += error.messages
        }
        guard problems.isEmpty, let codec, let hasher else { throw ConfigurationFailure(problems) }
        return Parts(codec: codec, hasher: hasher,
                     policy: TokenPolicy(settings.simpleJWT, reuseGrace: settings.security.refreshReuseGrace),
                     log: Self.makeLogger(settings.logging))
    }

    /// The runtime serving requests with `services`' store and pools.
    public func build(services: Services) throws(ConfigurationFailure) -> Runtime {
        let parts = try parts()
        let claims = try ProviderClaimsSource.build(settings, policy: parts.policy, registry: registry,
                                                    store: services.store, log: parts.log)
        let tokens = TokenService(policy: parts.policy, codec: parts.codec, users: services.store,
                                  tokens: services.store, hasher: parts.hasher, hashingPool: services.hashingPool,
                                  claimsPool: services.claimsPool, claims: claims, log: parts.log,
                                  events: TokenEventSinks([TokenEventMetrics(services.metrics), AuditLog(log: parts.log)]),
                                  throttle: services.loginThrottle, blacklist: services.blacklist)
        let browser = BrowserSupport(settings: settings, tokens: tokens, store: services.store)
        let responders = settings.listen.map { listener in
            ListenerRoutes(listener: listener, tokens: tokens, services: services, keys: settings.keys,
                           codec: parts.codec, browser: browser,
                           trustedProxies: settings.security.trustedProxies).responder()
        }
        return Runtime(settings: settings, policy: parts.policy, codec: parts.codec, hasher: parts.hasher,
                       claims: claims, tokens: tokens, responders: responders, log: parts.log)
    }

    /// What `authd check-config` reports on success.
    public struct CheckReport: Sendable {
        public let algorithm: String
        public let claimProviders: Int
        public let warnings: [String]
        public let store: String
    }

    /// `authd check-config`: everything `build` does, plus a read-only look at the store, without opening
    /// anything for writing or creating a file. Every problem is listed.
    public func check() throws(ConfigurationFailure) -> CheckReport {
        var problems: [String] = []
        var built: Parts?
        do throws(ConfigurationFailure) {
            built = try parts()
        } catch {
            problems += error.messages
        }
        var storeState = ""
        do throws(ConfigurationFailure) {
            storeState = try ConfiguredStore.inspect(settings)
        } catch {
            problems += error.messages
        }
        var providers = 0
        do throws(ConfigurationFailure) {
            let policy = built?.policy ?? TokenPolicy(settings.simpleJWT, reuseGrace: settings.security.refreshReuseGrace)
            let claims = try ProviderClaimsSource.build(settings, policy: policy, registry: registry, store: nil,
                                                        log: Self.makeLogger(settings.logging))
            providers = claims.pipeline.entries.count
            claims.shutdown()
        } catch {
            problems += error.messages
        }
        guard problems.isEmpty, let built else { throw ConfigurationFailure(problems) }
        return CheckReport(algorithm: built.codec.algorithm.rawValue, claimProviders: providers,
                           warnings: settings.warnings + built.codec.warnings, store: storeState)
    }

    // MARK: Settings → components

    /// The token codec, with key errors pointing at the SIGNING_KEY / VERIFYING_KEY setting, or at the
    /// `keys.verifying` entry at fault.
    public static func makeCodec(_ jwt: SimpleJWTSettings, keys: KeySettings = KeySettings()) throws(ConfigurationFailure)
        -> JWTCodec {
        let extra = keys.verifying.map { key in
            JWTCodec.ExtraKey(algorithm: key.algorithm, keyID: key.keyID, material: key.material.bytes,
                              name: key.material.keyPath)
        }
        do {
            return try JWTCodec(algorithm: jwt.algorithm, signingKey: jwt.signingKey.bytes,
                                verifyingKey: jwt.verifyingKey?.bytes, keyID: keys.signingKeyID,
                                extraVerifyingKeys: extra)
        } catch {
            // An extra key's message names it ("keys.verifying[1].file …"); point at it when it is the one.
            if let bad = keys.verifying.first(where: { error.message.contains($0.material.keyPath) }) {
                throw ConfigurationFailure(["\(bad.material.mark): \(bad.material.keyPath): \(error.message)"])
            }
            let key = error.code == .keyMismatch ? (jwt.verifyingKey ?? jwt.signingKey) : jwt.signingKey
            throw ConfigurationFailure(["\(key.mark): SIMPLE_JWT.\(key.keyPath): \(error.message)"])
        }
    }

    public static func makeHasher(_ passwords: PasswordSettings) throws(ConfigurationFailure) -> PasswordHasher {
        do {
            return try PasswordHasher(algorithm: passwords.hasher, iterations: passwords.iterations,
                                      scryptWorkFactor: passwords.workFactor, scryptBlockSize: passwords.blockSize,
                                      scryptParallelism: passwords.parallelism)
        } catch {
            throw ConfigurationFailure(["passwords: \(error.message)"])
        }
    }

    public static func makeLogger(_ logging: LoggingSettings) -> Logger {
        Logger(level: logging.level, format: logging.format)
    }

    /// The signer alone, for tools that mint tokens (`authd bench mint-refresh`) and inspect them.
    public func minter() throws(ConfigurationFailure) -> TokenMinter {
        let parts = try parts()
        return TokenMinter(policy: parts.policy, codec: parts.codec)
    }
}
