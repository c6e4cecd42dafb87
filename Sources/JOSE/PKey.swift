import COpenSSL

/// The one owner of an `EVP_PKEY`. OpenSSL 3 allows concurrent signing and verification with one key, and
/// the key is never mutated after loading, hence `@unchecked Sendable`.
final class PKey: @unchecked Sendable {
    let raw: OpaquePointer
    /// True when the private half is present (so the key can sign).
    let isPrivate: Bool

    /// Takes ownership of `raw`.
    init(taking raw: OpaquePointer, isPrivate: Bool) {
        self.raw = raw
        self.isPrivate = isPrivate
    }

    deinit { EVP_PKEY_free(raw) }

    var baseID: Int32 { EVP_PKEY_get_base_id(raw) }
    var bits: Int { Int(EVP_PKEY_get_bits(raw)) }

    var groupName: String? {
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(raw, &buffer, buffer.count, &length) == 1 else {
            ERR_clear_error()
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when both keys have the same public part (used to catch a VERIFYING_KEY that belongs elsewhere).
    func hasSamePublicKey(as other: PKey) -> Bool {
        let result = EVP_PKEY_eq(raw, other.raw)
        ERR_clear_error()
        return result == 1
    }

    func privatePEM() throws(JOSEError) -> [UInt8] {
        try OpenSSL.withMemoryBIO { bio in PEM_write_bio_PrivateKey(bio, raw, nil, nil, 0, nil, nil) == 1 }
    }

    func publicPEM() throws(JOSEError) -> [UInt8] {
        try OpenSSL.withMemoryBIO { bio in PEM_write_bio_PUBKEY(bio, raw) == 1 }
    }
}
