import COpenSSL

/// One-shot digests through OpenSSL's EVP interface, as lowercase hex (Python's `hexdigest()`).
enum MessageDigest {
    static func hex(_ md: OpaquePointer?, _ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // A digest over memory fails only without memory; an empty digest then never matches, which fails closed.
        guard bytes.withUnsafeBufferPointer({ EVP_Digest($0.baseAddress, $0.count, &digest, &length, md, nil) }) == 1 else {
            return []
        }
        let digits = Array("0123456789abcdef".utf8)
        return digest.prefix(Int(length)).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }
    }
}
