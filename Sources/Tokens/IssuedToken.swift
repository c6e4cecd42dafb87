/// A signed token handed out, with what a delivery needs besides its text: its kind and when it expires.
public struct IssuedToken: Sendable, Equatable {
    public let token: String
    public let kind: TokenKind
    /// The `exp` claim (seconds since the epoch).
    public let expiresAt: Int64
    /// The time the token was issued (its `iat`), so a delivery can compute lifetimes.
    public let issuedAt: Int64
    /// A sliding token's `refresh_exp`: until when it can be refreshed.
    public let refreshExpiresAt: Int64?
    /// The token's `jti` (nil when JTI_CLAIM is unset), so a delivery can bind a CSRF token to the session.
    public let jti: String?

    public init(token: String, kind: TokenKind, expiresAt: Int64, issuedAt: Int64, refreshExpiresAt: Int64? = nil,
                jti: String? = nil) {
        self.token = token
        self.kind = kind
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.refreshExpiresAt = refreshExpiresAt
        self.jti = jti
    }
}

/// What obtain hands out: a refresh token and an access token made from it.
public struct TokenPair: Sendable, Equatable {
    public let refresh: IssuedToken
    public let access: IssuedToken
}

/// What refresh hands out: a new access token, and with ROTATE_REFRESH_TOKENS a new refresh token.
public struct RefreshedTokens: Sendable, Equatable {
    public let access: IssuedToken
    public let refresh: IssuedToken?
}
