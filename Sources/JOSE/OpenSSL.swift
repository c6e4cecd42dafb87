import COpenSSL

/// Small helpers shared by the OpenSSL wrappers.
enum OpenSSL {
    /// Drains the thread's OpenSSL error queue into one line, so failures say what OpenSSL said.
    static func drainErrors() -> String {
        var parts: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            let e = ERR_get_error()
            if e == 0 { break }
            ERR_error_string_n(e, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? "no OpenSSL error recorded" : parts.joined(separator: "; ")
    }

    static func failure(_ what: String) -> JOSEError {
        JOSEError(code: .cryptoFailure, message: "\(what) failed: \(drainErrors())")
    }

    /// Runs `body` with a fresh memory BIO, then returns what was written to it.
    static func withMemoryBIO(_ body: (OpaquePointer) -> Bool) throws(JOSEError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw failure("BIO_new") }
        defer { BIO_free(bio) }
        guard body(bio) else { throw failure("writing PEM") }
        var pointer: UnsafeMutablePointer<CChar>? = nil
        let length = authd_BIO_get_mem_data(bio, &pointer)
        guard length > 0, let pointer else { throw failure("reading PEM") }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// Big-endian bytes of a BIGNUM key parameter ("n", "e", "qx", …), left-padded to `width` when given.
    static func bignumParameter(_ pkey: OpaquePointer, _ name: String, width: Int? = nil) throws(JOSEError) -> [UInt8] {
        var bn: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, name, &bn) == 1, let bn else { throw failure("reading key parameter \(name)") }
        defer { BN_free(bn) }
        let size = width ?? Int((BN_num_bits(bn) + 7) / 8)
        var out = [UInt8](repeating: 0, count: max(size, 1))
        guard BN_bn2binpad(bn, &out, Int32(out.count)) == Int32(out.count) else { throw failure("BN_bn2binpad") }
        return out
    }
}
