import API
import JOSE
import Logging
import Passwords
import Settings
import Tokens

/// Everything the settings file determines, built at once and never changed: the token policy, keys, claims
/// providers, deliveries and each listener's routes. Requests read the current runtime once
/// (`RuntimeReference`); a reload builds a new one and swaps it, and requests in flight finish with the one they
/// started with. The long-lived parts (listeners, store, worker pools) live outside it, in `Services`.
public final class Runtime: Sendable {
    public let settings: AuthdSettings
    public let policy: TokenPolicy
    public let codec: JWTCodec
    public let hasher: PasswordHasher
    public let claims: ProviderClaimsSource
    public let tokens: TokenService
    /// One responder per entry of `listen:`, by index (the listener tag).
    public let responders: [RouterResponder]
    public let log: Logger

    init(settings: AuthdSettings, policy: TokenPolicy, codec: JWTCodec, hasher: PasswordHasher,
         claims: ProviderClaimsSource, tokens: TokenService, responders: [RouterResponder], log: Logger) {
        self.settings = settings
        self.policy = policy
        self.codec = codec
        self.hasher = hasher
        self.claims = claims
        self.tokens = tokens
        self.responders = responders
        self.log = log
    }

    /// The providers are released once the last request using this runtime is done.
    deinit { claims.shutdown() }
}
