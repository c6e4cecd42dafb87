import CCrypt
import COpenSSL

/// Django's BCryptSHA256PasswordHasher and BCryptPasswordHasher over libxcrypt's `crypt_r`: `bcrypt_sha256$` or
/// `bcrypt$` followed by the bcrypt string `$2b$12$<22 salt><31 hash>`. The SHA-256 variant hashes the hex digest
/// of SHA-256(password), so passwords longer than bcrypt's 72 bytes still count whole.
enum BCryptHash {
    /// Django's default work factor (log2 of the rounds).
    static let defaultRounds = 12
    /// Stored hashes above this cost are refused rather than computed (each step doubles the time).
    static let maxRounds = 16

    /// The cost of a `$2a$`/`$2b$`/`$2y$` string, or nil when it is not one.
    static func rounds(of encoded: String) -> Int? {
        let bytes = Array(encoded.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]), bytes[3] == UInt8(ascii: "$"),
              bytes[6] == UInt8(ascii: "$"), let rounds = Int(String(decoding: bytes[4..<6], as: UTF8.self)) else { return nil }
        return rounds
    }

    /// The phrase bcrypt sees: the password, or for bcrypt_sha256 the lowercase hex SHA-256 digest of it.
    static func phrase(_ password: [UInt8], sha256: Bool) -> [UInt8] {
        sha256 ? MessageDigest.hex(EVP_sha256(), password) : password
    }

    /// `crypt_r(phrase, setting)`: with a stored hash as the setting, the hash this password would have.
    static func crypt(_ phrase: [UInt8], setting: String) throws(PasswordError) -> String {
        guard !phrase.contains(0) else { throw PasswordError(.invalidParameters, "bcrypt cannot hash a NUL byte") }
        guard let data = authd_crypt_data_new() else { throw PasswordError(.library, "out of memory for crypt_r") }
        defer { authd_crypt_data_free(data) }
        let result = (phrase + [0]).withUnsafeBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { crypt_r($0.baseAddress, setting, data) }
        }
        guard let result, result.pointee != UInt8(ascii: "*").asCChar else {
            throw PasswordError(.library, "crypt_r refused the bcrypt setting")
        }
        return String(cString: result)
    }

    /// A new `$2b$` setting with a random salt (libxcrypt draws it from the kernel).
    static func newSetting(rounds: Int) throws(PasswordError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard crypt_gensalt_rn("$2b$", UInt(rounds), nil, 0, &buffer, Int32(buffer.count)) != nil else {
            throw PasswordError(.library, "crypt_gensalt_rn failed for bcrypt with \(rounds) rounds")
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

private extension UInt8 {
    var asCChar: CChar { CChar(bitPattern: self) }
}
