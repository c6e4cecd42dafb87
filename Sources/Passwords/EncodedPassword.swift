import COpenSSL

/// A stored Django hash taken apart: `pbkdf2_sha256$<iterations>$<salt>$<base64>` (also `pbkdf2_sha1`),
/// `scrypt$<N>$<salt>$<r>$<p>$<base64>`, `argon2$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`,
/// `bcrypt_sha256$$2b$12$…` and `bcrypt$$2b$12$…`, or `md5$<salt>$<hex>`. Parsing is strict; anything else is nil.
/// PBKDF2, scrypt and md5 are verified by rebuilding the whole string and comparing it with the stored one (as
/// Django does), so a hash Django would parse leniently (say `+1000` iterations) fails there too.
struct EncodedPassword: Sendable, Equatable {
    enum Parameters: Sendable, Equatable {
        case pbkdf2(iterations: Int)
        case scrypt(workFactor: Int, blockSize: Int, parallelism: Int)
        case argon2(Argon2Hash.Parameters)
        case bcrypt(rounds: Int)
        case md5
    }

    let algorithm: PasswordAlgorithm
    let salt: String
    let parameters: Parameters
    /// The hash as stored, when parsed from one.
    var stored = ""

    // A hash starting with "!" is Django's unusable password (`set_unusable_password`): it never verifies.

    init?(_ encoded: String) {
        // Work on UTF-8 bytes, as Python's str.split does on code points: a "$" followed by a combining
        // mark is one Swift Character but still a separator for Django.
        let bytes = Array(encoded.utf8)
        guard bytes.first != UInt8(ascii: "!") else { return nil }
        let parts = bytes.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard let name = parts.first, let algorithm = PasswordAlgorithm(rawValue: name) else { return nil }
        // Everything after "<algorithm>$", for the hashers whose data is a library's own encoding.
        let data = String(decoding: bytes.dropFirst(name.utf8.count + 1), as: UTF8.self)
        switch algorithm {
        case .pbkdf2_sha256, .pbkdf2_sha1:
            guard parts.count == 4, let iterations = EncodedPassword.number(parts[1]) else { return nil }
            self.init(algorithm: algorithm, salt: parts[2], parameters: .pbkdf2(iterations: iterations))
        case .scrypt:
            guard parts.count == 6, let n = EncodedPassword.number(parts[1]), let r = EncodedPassword.number(parts[3]),
                  let p = EncodedPassword.number(parts[4]) else { return nil }
            self.init(algorithm: algorithm, salt: parts[2], parameters: .scrypt(workFactor: n, blockSize: r, parallelism: p))
        case .argon2:
            guard let parameters = Argon2Hash.parameters(of: "$" + data) else { return nil }
            self.init(algorithm: algorithm, salt: "-", parameters: .argon2(parameters))
        case .bcrypt_sha256, .bcrypt:
            guard let rounds = BCryptHash.rounds(of: data) else { return nil }
            self.init(algorithm: algorithm, salt: "-", parameters: .bcrypt(rounds: rounds))
        case .md5:
            guard parts.count == 3, parts[2].utf8.count == 32 else { return nil }
            self.init(algorithm: algorithm, salt: parts[1], parameters: .md5)
        }
        guard !salt.isEmpty else { return nil }  // Django refuses to hash with an empty salt
        stored = encoded
    }

    init(algorithm: PasswordAlgorithm, salt: String, parameters: Parameters) {
        self.algorithm = algorithm
        self.salt = salt
        self.parameters = parameters
    }

    /// The hash string Django would store for this password with these parameters (and, for argon2 and bcrypt,
    /// `salt` being a new Django salt string or a bcrypt setting).
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
        case .argon2(let costs):
            return "argon2" + (try Argon2Hash.encode(password, salt: saltBytes, time: costs.time, memory: costs.memory,
                                                     parallelism: costs.parallelism))
        case .bcrypt:
            let phrase = BCryptHash.phrase(password, sha256: algorithm == .bcrypt_sha256)
            return "\(algorithm.rawValue)$" + (try BCryptHash.crypt(phrase, setting: salt))
        case .md5:
            return "md5$\(salt)$" + String(decoding: MessageDigest.hex(EVP_md5(), saltBytes + password), as: UTF8.self)
        }
    }

    /// Whether `password` matches the stored hash, without an early exit on the comparison.
    func matches(_ password: [UInt8]) throws(PasswordError) -> Bool {
        switch parameters {
        case .argon2(let costs):
            return try Argon2Hash.verify(password, encoded: String(stored.dropFirst("argon2".count)), parameters: costs)
        case .bcrypt(let rounds):
            guard rounds <= BCryptHash.maxRounds else {
                throw PasswordError(.invalidParameters, "bcrypt cost \(rounds) is above \(BCryptHash.maxRounds)")
            }
            let setting = String(stored.dropFirst(algorithm.rawValue.count + 1))
            let phrase = BCryptHash.phrase(password, sha256: algorithm == .bcrypt_sha256)
            return PasswordHasher.constantTimeEqual("\(algorithm.rawValue)$" + (try BCryptHash.crypt(phrase, setting: setting)), stored)
        case .pbkdf2, .scrypt, .md5:
            return PasswordHasher.constantTimeEqual(try encode(password), stored)
        }
    }

    /// A decimal integer of plain ASCII digits that fits an Int, else nil.
    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
