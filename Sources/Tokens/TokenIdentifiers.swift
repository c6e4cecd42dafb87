#if canImport(Glibc)
import Glibc
#endif
import COpenSSL

public enum TokenIdentifiers {
    /// A fresh `jti` like Python's `uuid4().hex`: 32 lowercase hex digits with the UUID v4 version and variant bits.
    public static func newJTI() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return hex(bytes, uppercase: false)
    }

    /// SimpleJWT's `get_md5_hash_password`: upper-case MD5 hex of the stored password hash (the revoke claim).
    public static func passwordHashDigest(_ encodedPassword: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(encodedPassword.utf8)
        let ok = bytes.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_md5(), nil)
        }
        // MD5 over an in-memory buffer cannot fail short of memory exhaustion; an empty digest
        // then simply never matches a token's claim, which fails closed.
        guard ok == 1 else { return "" }
        return hex(Array(digest.prefix(Int(length))), uppercase: true)
    }

    static func hex(_ bytes: [UInt8], uppercase: Bool) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
