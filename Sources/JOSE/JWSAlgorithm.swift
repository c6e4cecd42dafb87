/// The JWS algorithms SimpleJWT accepts (RFC 7518 §3 plus EdDSA from RFC 8037).
public enum JWSAlgorithm: String, CaseIterable, Sendable {
    case HS256, HS384, HS512
    case RS256, RS384, RS512
    case PS256, PS384, PS512
    case ES256, ES384, ES512
    case EdDSA

    /// HMAC algorithms share one secret; the others use a key pair.
    public var isSymmetric: Bool {
        switch self {
        case .HS256, .HS384, .HS512: return true
        default: return false
        }
    }

    /// RFC 7518 §3.2: an HMAC key at least as long as the digest; nil for the asymmetric algorithms.
    public var hmacMinimumKeyBytes: Int? { isSymmetric ? digestLength : nil }

    /// OpenSSL digest name; nil for EdDSA, which hashes internally.
    var digestName: String? {
        switch self {
        case .HS256, .RS256, .PS256, .ES256: return "SHA256"
        case .HS384, .RS384, .PS384, .ES384: return "SHA384"
        case .HS512, .RS512, .PS512, .ES512: return "SHA512"
        case .EdDSA: return nil
        }
    }

    var digestLength: Int {
        switch self {
        case .HS256, .RS256, .PS256, .ES256: return 32
        case .HS384, .RS384, .PS384, .ES384: return 48
        case .HS512, .RS512, .PS512, .ES512, .EdDSA: return 64
        }
    }

    var family: Family {
        switch self {
        case .HS256, .HS384, .HS512: return .hmac
        case .RS256, .RS384, .RS512: return .rsaPKCS1
        case .PS256, .PS384, .PS512: return .rsaPSS
        case .ES256, .ES384, .ES512: return .ecdsa
        case .EdDSA: return .eddsa
        }
    }

    enum Family { case hmac, rsaPKCS1, rsaPSS, ecdsa, eddsa }

    /// The curve an ES* key must be on, as OpenSSL names it, with its JWK name and coordinate width.
    var curve: (openSSLName: String, jwkName: String, width: Int)? {
        switch self {
        case .ES256: return ("prime256v1", "P-256", 32)
        case .ES384: return ("secp384r1", "P-384", 48)
        case .ES512: return ("secp521r1", "P-521", 66)
        default: return nil
        }
    }
}
