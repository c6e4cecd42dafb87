import JOSE
import JSON
import Store

/// Builds and signs tokens the way SimpleJWT's token classes do: the payloads of `Token.for_user`,
/// `RefreshToken.access_token` and a sliding token, and their encoding with AUDIENCE and ISSUER.
/// Pure: no store, no clock of its own; `authd bench mint-refresh` uses it too.
public struct TokenMinter: Sendable {
    public let policy: TokenPolicy
    public let codec: JWTCodec

    public init(policy: TokenPolicy, codec: JWTCodec) {
        self.policy = policy
        self.codec = codec
    }

    /// `Token.__init__` for a new token: type, `exp`, `iat`, and a fresh `jti`.
    public func newPayload(kind: TokenKind, lifetime: Double, now time: Double) -> JSONObject {
        var payload = JSONObject()
        if let typeClaim = policy.tokenTypeClaim { payload[typeClaim] = .string(kind.rawValue) }
        payload["exp"] = .int(epoch(time + lifetime))
        payload["iat"] = .int(epoch(time))
        if let jtiClaim = policy.jtiClaim { payload[jtiClaim] = .string(TokenIdentifiers.newJTI()) }
        return payload
    }

    /// `Token.for_user` for a refresh or sliding token, plus the claims of the configured providers.
    public func payload(for user: User, sliding: Bool, extraClaims: JSONObject, now time: Double) -> JSONObject {
        var token = newPayload(kind: sliding ? .sliding : .refresh,
                               lifetime: sliding ? policy.slidingLifetime : policy.refreshLifetime, now: time)
        if sliding {
            token[policy.slidingRefreshExpClaim] = .int(epoch(time + policy.slidingRefreshLifetime))
        }
        token[policy.userIDClaim] = .string(userIdentifier(user))
        if policy.checkRevokeToken {
            token[policy.revokeTokenClaim] = .string(TokenIdentifiers.passwordHashDigest(user.passwordHash))
        }
        for (name, value) in extraClaims { token[name] = value }
        return token
    }

    /// SimpleJWT's `RefreshToken.access_token`: a new access token carrying every other claim of the refresh token.
    public func accessPayload(from refresh: JSONObject, now time: Double) -> JSONObject {
        var access = newPayload(kind: .access, lifetime: policy.accessLifetime, now: time)
        let skip = policy.noCopyClaims
        for (name, value) in refresh where !skip.contains(name) { access[name] = value }
        return access
    }

    /// Signs the payload, adding `aud` and `iss` when configured.
    public func encode(_ payload: JSONObject, kind: TokenKind) throws(JOSEError) -> IssuedToken {
        var claims = payload
        if let audience = policy.audience { claims["aud"] = audience }
        if let issuer = policy.issuer { claims["iss"] = .string(issuer) }
        let token = try codec.sign(claims)
        return IssuedToken(token: token, kind: kind, expiresAt: payload["exp"]?.intValue ?? 0,
                           issuedAt: payload["iat"]?.intValue ?? 0,
                           refreshExpiresAt: kind == .sliding ? payload[policy.slidingRefreshExpClaim]?.intValue : nil,
                           jti: policy.jtiClaim == nil ? nil : jti(of: payload))
    }

    /// The token's jti as the store keys it.
    public func jti(of token: JSONObject) -> String? {
        Self.jti(of: token, claim: policy.jtiClaim)
    }

    static func jti(of token: JSONObject, claim: String?) -> String? {
        guard let value = token[claim ?? "jti"] else { return nil }
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: return JSON.serializeString(value)
        }
    }

    /// What the user id claim holds for this user (USER_ID_FIELD).
    public func userIdentifier(_ user: User) -> String {
        switch policy.userIDField {
        case .id: return String(user.id)
        case .username: return user.username
        }
    }
}

/// `datetime_to_epoch`: whole seconds, rounded down.
func epoch(_ seconds: Double) -> Int64 { Int64(seconds.rounded(.down)) }
