/// Why a token operation was refused, in SimpleJWT's words. The HTTP layer decides how each code is rendered
/// (status, body, headers); the domain knows no HTTP.
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A closed set of codes today that can grow later without breaking callers (a struct over a private enum).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case tokenNotValid, passwordChanged, noActiveAccount, noActiveAccountForToken, blacklisted
            case hashingBusy, claimsUnavailable, storeUnavailable, throttled
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// SimpleJWT's `InvalidToken` (`token_not_valid`): the detail says why ("Token is expired", …).
        public static let tokenNotValid = Code(.tokenNotValid)
        /// CHECK_REVOKE_TOKEN: the token was minted before the user's password changed (`password_changed`).
        public static let passwordChanged = Code(.passwordChanged)
        /// Wrong password, unknown or inactive user (the obtain serializer's `AuthenticationFailed`).
        public static let noActiveAccount = Code(.noActiveAccount)
        /// The user a refresh token names is inactive or gone.
        public static let noActiveAccountForToken = Code(.noActiveAccountForToken)
        /// Verify of a blacklisted token with BLACKLIST_AFTER_ROTATION on (a serializer validation error).
        public static let blacklisted = Code(.blacklisted)
        /// The password-hashing queue is full: retry shortly.
        public static let hashingBusy = Code(.hashingBusy)
        /// A claims provider with `on_error: fail` failed, or the claims pool is full: retry shortly.
        public static let claimsUnavailable = Code(.claimsUnavailable)
        /// The store failed (the reason is logged, never sent): retry shortly.
        public static let storeUnavailable = Code(.storeUnavailable)

        /// Too many failed logins from this client or for this username: retry after `retryAfter` seconds (429).
        public static let throttled = Code(.throttled)

        public var description: String { kind.rawValue }

        /// The request may succeed if retried shortly (503 with `Retry-After`).
        public var isTemporary: Bool { self == .hashingBusy || self == .claimsUnavailable || self == .storeUnavailable }
    }

    public let code: Code
    /// The public message, exactly as SimpleJWT words it.
    public let detail: String
    /// Whole seconds after which a retry may succeed (`Retry-After`), when the refusal says so.
    public let retryAfter: Int?

    public init(_ code: Code, _ detail: String, retryAfter: Int? = nil) {
        self.code = code
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(detail)" }

    static func invalid(_ detail: String) -> TokenError { TokenError(.tokenNotValid, detail) }

    /// The refusal of a token found on the blacklist (refresh then reports the reuse).
    static let blacklistedToken = invalid("Token is blacklisted")
    var isBlacklistedToken: Bool { self == TokenError.blacklistedToken }

    static let noActiveAccount = TokenError(.noActiveAccount, "No active account found with the given credentials")
    static let noActiveAccountForToken = TokenError(.noActiveAccountForToken, "No active account found for the given token.")
    static let passwordChanged = TokenError(.passwordChanged, "The user's password has been changed.")
    static let blacklistedAtVerify = TokenError(.blacklisted, "Token is blacklisted")
    static let hashingBusy = TokenError(.hashingBusy, "The server is busy hashing passwords; retry shortly.")
    public static let claimsUnavailable = TokenError(.claimsUnavailable,
                                                     "Claims for this account are temporarily unavailable; retry shortly.")
    /// DRF's `Throttled`: the wait rounded up to whole seconds, in its words.
    static func throttled(wait: Double) -> TokenError {
        let seconds = max(1, Int(wait.rounded(.up)))
        return TokenError(.throttled, "Request was throttled. Expected available in \(seconds) second\(seconds == 1 ? "" : "s").",
                          retryAfter: seconds)
    }

    static let storeUnavailable = TokenError(.storeUnavailable, "The token store is temporarily unavailable; retry shortly.")
}
