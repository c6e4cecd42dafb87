import Store

/// What providers may rely on besides their own options: fixed at start-up, shared by every entry.
public struct ProviderEnvironment: Sendable {
    /// The settings file as given; relative paths in options are resolved against its directory.
    public var settingsFile: String
    /// Claims authd sets itself and no provider may set: `token_type`, `exp`, `iat`, `nbf`, `jti`, `aud`, `iss`,
    /// the user id claim, the revoke claim, `refresh_exp` (with the names configured in `SIMPLE_JWT`).
    public var reservedClaims: Set<String>
    /// The store, for providers that read it (`claims.groups`); nil where there is none (unit tests).
    public var store: (any UserStore)?

    public init(settingsFile: String, reservedClaims: Set<String>, store: (any UserStore)?) {
        self.settingsFile = settingsFile
        self.reservedClaims = reservedClaims
        self.store = store
    }

    /// SimpleJWT's default claim names; the daemon passes the configured ones.
    public static let defaultReservedClaims: Set<String> = [
        "token_type", "exp", "iat", "nbf", "jti", "aud", "iss", "user_id", "hash_password", "refresh_exp",
    ]

    /// `path` as written in the settings file, made relative to the file's directory when it is relative.
    public func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), let slash = settingsFile.lastIndex(of: "/") else { return path }
        return String(settingsFile[...slash]) + path
    }
}
