/// Why a token was refused. The codes follow PyJWT's exception classes so the service can answer exactly as
/// SimpleJWT does: `expired` becomes "Token is expired", every other code "Token is invalid".
public struct JWTDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case malformed, invalidAlgorithm, invalidSignature, expired, immature, invalidAudience, invalidIssuer,
                invalidClaim
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// Not three base64url segments, header or payload not a JSON object, bad `kid`/`crit` (PyJWT DecodeError).
        public static let malformed = Code(.malformed)
        /// `alg` missing or not the configured algorithm — this is what stops "none" and algorithm confusion.
        public static let invalidAlgorithm = Code(.invalidAlgorithm)
        public static let invalidSignature = Code(.invalidSignature)
        /// `exp` is at or before now − leeway (PyJWT ExpiredSignatureError).
        public static let expired = Code(.expired)
        /// `nbf` or `iat` is after now + leeway (PyJWT ImmatureSignatureError).
        public static let immature = Code(.immature)
        /// `aud` missing, malformed or not one of the configured audiences.
        public static let invalidAudience = Code(.invalidAudience)
        /// `iss` missing, not a string or not the configured issuer.
        public static let invalidIssuer = Code(.invalidIssuer)
        /// `exp`/`nbf`/`iat` not a number, or `sub`/`jti` not a string.
        public static let invalidClaim = Code(.invalidClaim)
        public var description: String { "\(kind)" }
    }

    public let code: Code
    /// PyJWT's wording, for logs; clients get SimpleJWT's generic message.
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var isExpired: Bool { code == .expired }
    public var description: String { message }

    public static func == (lhs: JWTDecodeError, rhs: JWTDecodeError) -> Bool { lhs.code == rhs.code }
}
