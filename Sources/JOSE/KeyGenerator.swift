import COpenSSL

/// Makes new signing keys: 2048-bit RSA (RS*/PS*), the matching NIST curve (ES*), Ed25519 (EdDSA), or a
/// 512-bit random secret written as 86 base64url characters (HS*).
public enum KeyGenerator {
    public static func generate(_ algorithm: JWSAlgorithm) throws(JOSEError) -> GeneratedKey {
        switch algorithm.family {
        case .hmac:
            var random = [UInt8](repeating: 0, count: 64)
            guard RAND_bytes(&random, Int32(random.count)) == 1 else { throw OpenSSL.failure("RAND_bytes") }
            defer { random.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
            return GeneratedKey(secretOrPrivatePEM: Base64URL.encode(random), publicPEM: nil)
        case .rsaPKCS1, .rsaPSS:
            let key = try generate(type: "RSA") { ctx in
                authd_EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(AsymmetricKey.minimumRSABits)) == 1
            }
            return GeneratedKey(secretOrPrivatePEM: try key.privatePEM(), publicPEM: try key.publicPEM())
        case .ecdsa:
            let nid: Int32
            switch algorithm {
            case .ES256: nid = NID_X9_62_prime256v1
            case .ES384: nid = NID_secp384r1
            default: nid = NID_secp521r1
            }
            let key = try generate(type: "EC") { ctx in authd_EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, nid) == 1 }
            return GeneratedKey(secretOrPrivatePEM: try key.privatePEM(), publicPEM: try key.publicPEM())
        case .eddsa:
            let key = try generate(type: "ED25519") { _ in true }
            return GeneratedKey(secretOrPrivatePEM: try key.privatePEM(), publicPEM: try key.publicPEM())
        }
    }

    /// The SPKI public key (PEM) of a PEM private or public key: what a verify-only entry for it holds.
    public static func publicPEM(of pem: [UInt8]) throws(JOSEError) -> [UInt8] {
        try PEMKeyLoader.load(pem, what: "the key").publicPEM()
    }

    private static func generate(type: String, configure: (OpaquePointer) -> Bool) throws(JOSEError) -> PKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { throw OpenSSL.failure("EVP_PKEY_CTX_new_from_name(\(type))") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1, configure(ctx) else { throw OpenSSL.failure("\(type) key generation setup") }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else { throw OpenSSL.failure("\(type) key generation") }
        return PKey(taking: pkey, isPrivate: true)
    }
}
