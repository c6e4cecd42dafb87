import JOSE
import JSON

/// What a delivery may read from a token it holds without trusting it: its `jti` and `exp`, to bind a CSRF
/// token to it or to tell the browser when it ends. The token domain still validates every token it is given;
/// nothing here decides whether a request is allowed.
public struct SessionToken: Sendable {
    public let jti: String
    public let expiresAt: Int64?

    /// nil when `raw` is not a JWT or has no jti (under the configured JTI_CLAIM).
    public init?(_ raw: String, policy: TokenPolicy) {
        guard let claims = try? JWTInspector.decodeUnverified(raw).claims,
              let jti = TokenMinter.jti(of: claims, claim: policy.jtiClaim) else { return nil }
        self.jti = jti
        self.expiresAt = claims["exp"]?.intValue
    }
}
