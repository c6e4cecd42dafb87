/// A JWS algorithm SimpleJWT (through PyJWT) supports, by its `alg` header name.
public struct JWTAlgorithm: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    private init(_ name: String) { self.name = name }

    public static let hs256 = JWTAlgorithm("HS256")
    public static let hs384 = JWTAlgorithm("HS384")
    public static let hs512 = JWTAlgorithm("HS512")
    public static let rs256 = JWTAlgorithm("RS256")
    public static let rs384 = JWTAlgorithm("RS384")
    public static let rs512 = JWTAlgorithm("RS512")
    public static let ps256 = JWTAlgorithm("PS256")
    public static let ps384 = JWTAlgorithm("PS384")
    public static let ps512 = JWTAlgorithm("PS512")
    public static let es256 = JWTAlgorithm("ES256")
    public static let es384 = JWTAlgorithm("ES384")
    public static let es512 = JWTAlgorithm("ES512")
    public static let edDSA = JWTAlgorithm("EdDSA")

    public static let all: [JWTAlgorithm] = [
        .hs256, .hs384, .hs512, .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .edDSA,
    ]

    /// The algorithm with this exact `alg` name (names are case-sensitive, as in PyJWT).
    public init?(name: String) {
        guard let found = JWTAlgorithm.all.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// HMAC: one shared secret signs and verifies; VERIFYING_KEY does not apply.
    public var isHMAC: Bool { name.hasPrefix("HS") }

    /// For HMAC, the digest size in bytes: RFC 7518 §3.2 wants a key at least this long.
    public var hmacMinimumKeyBytes: Int? {
        switch name {
        case "HS256": return 32
        case "HS384": return 48
        case "HS512": return 64
        default: return nil
        }
    }

    public var description: String { name }
}
