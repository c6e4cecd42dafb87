import COpenSSL

/// Django's get_random_string: characters drawn uniformly from [a-zA-Z0-9] with a CSPRNG.
enum RandomSalt {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    /// Django's salt length: ceil(128 bits / log2(62)) = 22 characters.
    static let length = 22

    static func make(length: Int = RandomSalt.length) throws(PasswordError) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(length)
        // Rejection sampling: bytes >= 248 (= 4·62) are dropped so every character is equally likely.
        while result.count < length {
            var bytes = [UInt8](repeating: 0, count: 32)
            guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw KeyDerivation.libraryError("RAND_bytes") }
            for byte in bytes where byte < 248 && result.count < length {
                result.append(alphabet[Int(byte % 62)])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
