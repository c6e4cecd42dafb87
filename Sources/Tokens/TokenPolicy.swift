import JOSE
import JSON

/// The SimpleJWT settings the token logic needs, resolved once at start-up into plain values.
public struct TokenPolicy: Sendable {
    public enum UserIDField: String, Sendable { case id, username }

    public var accessLifetime: Double = 300
    public var refreshLifetime: Double = 86_400
    public var slidingLifetime: Double = 300
    public var slidingRefreshLifetime: Double = 86_400
    public var rotateRefreshTokens = false
    public var blacklistAfterRotation = false
    public var updateLastLogin = false
    public var checkRevokeToken = false
    public var checkUserIsActive = true
    /// Written into every token as `aud` when set: a string or a list, exactly as configured.
    public var audience: JSONValue?
    public var issuer: String?
    public var leeway: Double = 0
    public var userIDField: UserIDField = .id
    public var userIDClaim = "user_id"
    public var tokenTypeClaim: String? = "token_type"
    public var jtiClaim: String? = "jti"
    public var slidingRefreshExpClaim = "refresh_exp"
    public var revokeTokenClaim = "hash_password"
    /// First of AUTH_HEADER_TYPES, used in `WWW-Authenticate: Bearer realm="api"`.
    public var authHeaderType = "Bearer"
    /// Seconds during which reusing the immediate predecessor of a rotation is refused without revoking the family.
    public var reuseGrace: Double = 10

    public init() {}

    public var wwwAuthenticate: String { "\(authHeaderType) realm=\"api\"" }

    public var validation: JWTValidation {
        var v = JWTValidation()
        v.leeway = leeway
        if let audience {
            switch audience {
            case .string(let s): v.audience = [s]
            case .array(let items): v.audience = items.compactMap(\.stringValue)
            default: v.audience = nil
            }
        }
        v.issuer = issuer
        return v
    }

    /// Claims that an access token never copies from its refresh token (SimpleJWT's `no_copy_claims`).
    public var noCopyClaims: Set<String> {
        var set: Set<String> = ["exp", "jti", "iat"]
        if let tokenTypeClaim { set.insert(tokenTypeClaim) }
        if let jtiClaim { set.insert(jtiClaim) }
        return set
    }
}
