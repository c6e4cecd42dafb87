/// A stored Django hash taken apart: `pbkdf2_sha256$<iterations>$<salt>$<base64>` (also `pbkdf2_sha1`) or
/// `scrypt$<N>$<salt>$<r>$<p>$<base64>`. Parsing is strict; anything else is nil. Because verification
/// rebuilds the whole string and compares it with the stored one (as Django does), a hash that Django
/// would parse leniently (say `+1000` iterations) fails there too, so strictness changes no verdict.
struct EncodedPassword: Sendable, Equatable {
    enum Parameters: Sendable, Equatable {
        case pbkdf2(iterations: Int)
        case scrypt(workFactor: Int, blockSize: Int, parallelism: Int)
    }

    let algorithm: PasswordAlgorithm
    let salt: String
    let parameters: Parameters

    // A hash starting with "!" is Django's unusable password (`set_unusable_password`): it never verifies.

    init?(_ encoded: String) {
        // Work on UTF-8 bytes, as Python's str.split does on code points: a "$" followed by a combining
        // mark is one Swift Character but still a separator for Django.
        let bytes = Array(encoded.utf8)
        guard bytes.first != UInt8(ascii: "!") else { return nil }
        let parts = bytes.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard let name = parts.first, let algorithm = PasswordAlgorithm(rawValue: name) else { return nil }
        switch algorithm {
        case .pbkdf2_sha256, .pbkdf2_sha1:
            guard parts.count == 4, let iterations = EncodedPassword.number(parts[1]) else { return nil }
            self.init(algorithm: algorithm, salt: parts[2], parameters: .pbkdf2(iterations: iterations))
        case .scrypt:
            guard parts.count == 6, let n = EncodedPassword.number(parts[1]), let r = EncodedPassword.number(parts[3]),
                  let p = EncodedPassword.number(parts[4]) else { return nil }
            self.init(algorithm: algorithm, salt: parts[2], parameters: .scrypt(workFactor: n, blockSize: r, parallelism: p))
        }
        guard !salt.isEmpty else { return nil }  // Django refuses to hash with an empty salt
    }

    init(algorithm: PasswordAlgorithm, salt: String, parameters: Parameters) {
        self.algorithm = algorithm
        self.salt = salt
        self.parameters = parameters
    }

    /// The hash string Django would store for this password with these parameters.
    func encode(_ password: [UInt8]) throws(PasswordError) -> String {
        let saltBytes = Array(salt.utf8)
        switch parameters {
        case .pbkdf2(let iterations):
            let digest: KeyDerivation.Digest = algorithm == .pbkdf2_sha1 ? .sha1 : .sha256
            let key = try KeyDerivation.pbkdf2(password: password, salt: saltBytes, iterations: iterations, digest: digest)
            return "\(algorithm.rawValue)$\(iterations)$\(salt)$\(Base64.encode(key))"
        case .scrypt(let n, let r, let p):
            let key = try KeyDerivation.scrypt(password: password, salt: saltBytes, workFactor: n, blockSize: r, parallelism: p)
            return "scrypt$\(n)$\(salt)$\(r)$\(p)$\(Base64.encode(key))"
        }
    }

    /// A decimal integer of plain ASCII digits that fits an Int, else nil.
    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
