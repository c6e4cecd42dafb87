import COpenSSL
import JSON

/// An HMAC secret, keyed once: signing duplicates a pre-keyed `EVP_MAC_CTX` instead of fetching the
/// algorithm and hashing the key pads for every token.
final class HMACKey: @unchecked Sendable {
    private let template: OpaquePointer  // EVP_MAC_CTX, owned; only ever read (duplicated) after init
    let length: Int

    init(secret: [UInt8], algorithm: JWSAlgorithm) throws(JOSEError) {
        try HMACSecretCheck.validate(secret)
        guard let digest = algorithm.digestName else { throw JOSEError(code: .wrongKeyType, message: "\(algorithm) is not HMAC") }
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw OpenSSL.failure("EVP_MAC_fetch(HMAC)") }
        defer { EVP_MAC_free(mac) }  // the context keeps its own reference
        guard let ctx = EVP_MAC_CTX_new(mac) else { throw OpenSSL.failure("EVP_MAC_CTX_new") }
        let keyed: Bool = digest.withCString { name in
            let mutableName = UnsafeMutablePointer(mutating: name)  // OSSL_PARAM only reads it
            var params = [OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, mutableName, 0), OSSL_PARAM_construct_end()]
            return EVP_MAC_init(ctx, secret, secret.count, &params) == 1
        }
        guard keyed else {
            EVP_MAC_CTX_free(ctx)
            throw OpenSSL.failure("EVP_MAC_init")
        }
        template = ctx
        length = algorithm.digestLength
    }

    deinit { EVP_MAC_CTX_free(template) }

    func mac(_ input: UnsafeBufferPointer<UInt8>) throws(JOSEError) -> [UInt8] {
        guard let ctx = EVP_MAC_CTX_dup(template) else { throw OpenSSL.failure("EVP_MAC_CTX_dup") }
        defer { EVP_MAC_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: 64)
        var written = 0
        guard EVP_MAC_update(ctx, input.baseAddress, input.count) == 1,
              EVP_MAC_final(ctx, &out, &written, out.count) == 1
        else { throw OpenSSL.failure("HMAC") }
        out.removeLast(out.count - written)
        return out
    }

    /// Constant-time comparison, so the time taken does not reveal how many leading bytes matched.
    func verify(_ input: UnsafeBufferPointer<UInt8>, signature: UnsafeBufferPointer<UInt8>) -> Bool {
        guard signature.count == length, let expected = try? mac(input) else { return false }
        return expected.withUnsafeBytes { e in CRYPTO_memcmp(e.baseAddress, signature.baseAddress, length) == 0 }
    }
}

/// PyJWT refuses HMAC secrets that are really asymmetric keys, because using a public key as an HMAC secret
/// is the classic algorithm-confusion attack. authd refuses the same things, with a message that says why.
enum HMACSecretCheck {
    private static let pemLabels = [
        "CERTIFICATE", "TRUSTED CERTIFICATE", "PRIVATE KEY", "PUBLIC KEY", "ENCRYPTED PRIVATE KEY",
        "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY", "RSA PRIVATE KEY", "RSA PUBLIC KEY", "EC PRIVATE KEY",
        "DH PARAMETERS", "NEW CERTIFICATE REQUEST", "CERTIFICATE REQUEST", "SSH2 PUBLIC KEY",
        "SSH2 ENCRYPTED PRIVATE KEY", "X509 CRL",
    ]
    private static let sshPrefixes = ["ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                      "ecdsa-sha2-nistp521"]

    static func validate(_ secret: [UInt8]) throws(JOSEError) {
        guard !secret.isEmpty else {
            throw JOSEError(code: .invalidKey, message: "the HMAC signing key is empty; set SIGNING_KEY or SIGNING_KEY_FILE "
                + "(`authd keys generate --algorithm HS256` makes one)")
        }
        let text = String(decoding: secret, as: UTF8.self)
        let looksLikePEM = pemLabels.contains { label in
            text.contains("-----BEGIN \(label)-----") || text.contains("---- BEGIN \(label) ----")
        }
        if looksLikePEM || sshPrefixes.contains(where: { secret.starts(with: Array($0.utf8)) }) || isDERKey(secret) {
            throw JOSEError(code: .invalidKey, message: "the HMAC signing key is an asymmetric key or certificate, "
                + "which must not be used as an HMAC secret; use an RS*/PS*/ES*/EdDSA ALGORITHM with it, or a random secret")
        }
        if case .object(let o)? = try? JSON.parse(secret), containsJWKMember(.object(o)) {
            throw JOSEError(code: .invalidKey, message: "the HMAC signing key looks like a JWK; put the raw secret "
                + "(the decoded \"k\" value) in the key file instead")
        }
    }

    private static func containsJWKMember(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let o): return o.contains(key: "kty") || o.values.contains(where: containsJWKMember)
        case .array(let a): return a.contains(where: containsJWKMember)
        default: return false
        }
    }

    private static func isDERKey(_ secret: [UInt8]) -> Bool {
        // A DER key starts with a SEQUENCE tag; skip the decoder for everything else (most text secrets).
        guard secret.first == 0x30 else { return false }
        defer { ERR_clear_error() }
        return secret.withUnsafeBufferPointer { buffer -> Bool in
            var p: UnsafePointer<UInt8>? = buffer.baseAddress
            if let key = d2i_AutoPrivateKey(nil, &p, buffer.count) {
                EVP_PKEY_free(key)
                return true
            }
            p = buffer.baseAddress
            if let key = d2i_PUBKEY(nil, &p, buffer.count) {
                EVP_PKEY_free(key)
                return true
            }
            return false
        }
    }
}
