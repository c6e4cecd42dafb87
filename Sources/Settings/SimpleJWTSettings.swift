import JOSE

/// The `SIMPLE_JWT:` section: SimpleJWT 5.5.1's own setting names with the same defaults, so a Django
/// settings dict ports line by line.
public struct SimpleJWTSettings: Sendable {
    public var accessTokenLifetime: TimeSpan = .minutes(5)
    public var refreshTokenLifetime: TimeSpan = .days(1)
    public var rotateRefreshTokens = false
    public var blacklistAfterRotation = false
    public var updateLastLogin = false
    public var algorithm: JWSAlgorithm = .HS256
    /// SIGNING_KEY or SIGNING_KEY_FILE: the HMAC secret or the PEM private key.
    public var signingKey: KeyMaterial
    /// VERIFYING_KEY or VERIFYING_KEY_FILE (PEM public key); nil when unset or empty, as SimpleJWT's `""`
    /// default. Always nil for HS* algorithms, which verify with the signing key.
    public var verifyingKey: KeyMaterial?
    public var audience: Audience?
    public var issuer: String?
    public var leeway: TimeSpan = .zero
    public var authHeaderTypes: [String] = ["Bearer"]
    public var authHeaderName: AuthHeaderName = .authorization
    public var userIDField: UserIDField = .id
    public var userIDClaim = "user_id"
    public var tokenTypeClaim = "token_type"
    public var jtiClaim = "jti"
    public var slidingTokenRefreshExpClaim = "refresh_exp"
    public var slidingTokenLifetime: TimeSpan = .minutes(5)
    public var slidingTokenRefreshLifetime: TimeSpan = .days(1)
    public var checkRevokeToken = false
    public var revokeTokenClaim = "hash_password"
    public var checkUserIsActive = true

    public init(signingKey: KeyMaterial) {
        self.signingKey = signingKey
    }
}
