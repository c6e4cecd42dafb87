import JSON
import Settings
import Tokens

extension TokenPolicy {
    /// Resolves the settings file's SIMPLE_JWT section (and the reuse grace) into the values the token logic uses.
    public init(_ jwt: SimpleJWTSettings, reuseGrace: TimeSpan) {
        self.init()
        accessLifetime = jwt.accessTokenLifetime.seconds
        refreshLifetime = jwt.refreshTokenLifetime.seconds
        slidingLifetime = jwt.slidingTokenLifetime.seconds
        slidingRefreshLifetime = jwt.slidingTokenRefreshLifetime.seconds
        rotateRefreshTokens = jwt.rotateRefreshTokens
        blacklistAfterRotation = jwt.blacklistAfterRotation
        updateLastLogin = jwt.updateLastLogin
        checkRevokeToken = jwt.checkRevokeToken
        checkUserIsActive = jwt.checkUserIsActive
        if let audience = jwt.audience {
            self.audience = audience.isList ? .array(audience.values.map { .string($0) })
                                            : .string(audience.values.first ?? "")
        }
        issuer = jwt.issuer
        leeway = jwt.leeway.seconds
        switch jwt.userIDField {
        case .id: userIDField = .id
        case .username: userIDField = .username
        }
        userIDClaim = jwt.userIDClaim
        tokenTypeClaim = jwt.tokenTypeClaim
        jtiClaim = jwt.jtiClaim
        slidingRefreshExpClaim = jwt.slidingTokenRefreshExpClaim
        revokeTokenClaim = jwt.revokeTokenClaim
        authHeaderType = jwt.authHeaderTypes.first ?? "Bearer"
        self.reuseGrace = reuseGrace.seconds
    }
}
