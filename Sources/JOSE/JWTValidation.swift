/// What `JWTCodec.decode` checks besides the signature, mirroring how SimpleJWT calls PyJWT:
/// `jwt.decode(…, audience=AUDIENCE, issuer=ISSUER, leeway=LEEWAY, options={"verify_aud": AUDIENCE is not None})`.
public struct JWTValidation: Sendable {
    /// Seconds of clock skew tolerated for `exp`, `nbf` and `iat`.
    public var leeway: Double
    /// Accepted audiences; nil means `aud` is not checked at all (as with SimpleJWT's AUDIENCE = None).
    public var audience: [String]?
    /// Required `iss`; nil means not checked.
    public var issuer: String?
    /// PyJWT's `verify_exp`; off only for tools that inspect expired tokens.
    public var verifyExpiry: Bool

    public init(leeway: Double = 0, audience: [String]? = nil, issuer: String? = nil, verifyExpiry: Bool = true) {
        self.leeway = leeway
        self.audience = audience
        self.issuer = issuer
        self.verifyExpiry = verifyExpiry
    }
}
