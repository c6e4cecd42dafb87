import COpenSSL

/// Makes and checks Django-format password hashes exactly as Django 6.x's hashers do, so users imported
/// from Django keep their passwords and hashes made here work in Django.
///
/// Passwords are bytes (UTF-8 of what the user typed) and are never trimmed: unlike SimpleJWT's serializer,
/// authd hashes " secret" and "secret" differently, as Django's own `check_password` does.
/// Hashing is slow by design: call it from a `WorkerPool`, never on an event loop.
public struct PasswordHasher: Sendable {
    public let algorithm: PasswordAlgorithm
    public let iterations: Int
    public let scryptWorkFactor: Int
    public let scryptBlockSize: Int
    public let scryptParallelism: Int
    /// argon2id costs (Django's defaults: t=2, m=102400 KiB, p=8).
    public let argon2Time: Int
    public let argon2Memory: Int
    public let argon2Parallelism: Int
    /// bcrypt's work factor (Django's default: 12).
    public let bcryptRounds: Int

    /// The configured (preferred) hasher. Defaults are Django 6.1's. Throws `.invalidParameters` for
    /// parameters authd refuses (see `KeyDerivation` for the bounds), so a bad setting fails at start-up.
    public init(
        algorithm: PasswordAlgorithm = .pbkdf2_sha256, iterations: Int = 1_500_000, scryptWorkFactor: Int = 16384,
        scryptBlockSize: Int = 8, scryptParallelism: Int = 5, argon2Time: Int = 2,
        argon2Memory: Int = 102_400, argon2Parallelism: Int = 8,
        bcryptRounds: Int = 12
    ) throws(PasswordError) {
        try KeyDerivation.checkPBKDF2(iterations: iterations)
        try KeyDerivation.checkScrypt(workFactor: scryptWorkFactor, blockSize: scryptBlockSize, parallelism: scryptParallelism)
        try Argon2Hash.check(.init(variant: "argon2id", memory: argon2Memory, time: argon2Time, parallelism: argon2Parallelism))
        guard (4...BCryptHash.maxRounds).contains(bcryptRounds) else {
            throw PasswordError(.invalidParameters, "bcrypt rounds must be between 4 and \(BCryptHash.maxRounds), got \(bcryptRounds)")
        }
        guard algorithm != .md5 else {
            throw PasswordError(.invalidParameters, "md5 is verified only, never used for new passwords; choose pbkdf2_sha256 or argon2")
        }
        self.algorithm = algorithm
        self.argon2Time = argon2Time
        self.argon2Memory = argon2Memory
        self.argon2Parallelism = argon2Parallelism
        self.bcryptRounds = bcryptRounds
        self.iterations = iterations
        self.scryptWorkFactor = scryptWorkFactor
        self.scryptBlockSize = scryptBlockSize
        self.scryptParallelism = scryptParallelism
    }

    /// Django's defaults: pbkdf2_sha256 with 1,500,000 iterations.
    public static let djangoDefault: PasswordHasher = {
        // The default parameters are within bounds; the fallback is unreachable but keeps this total.
        (try? PasswordHasher()) ?? PasswordHasher(unchecked: .pbkdf2_sha256, 1_500_000, 16384, 8, 5)
    }()

    private init(unchecked algorithm: PasswordAlgorithm, _ iterations: Int, _ n: Int, _ r: Int, _ p: Int) {
        self.algorithm = algorithm
        self.iterations = iterations
        self.scryptWorkFactor = n
        self.scryptBlockSize = r
        self.scryptParallelism = p
        self.argon2Time = Argon2Hash.defaultTime
        self.argon2Memory = Argon2Hash.defaultMemory
        self.argon2Parallelism = Argon2Hash.defaultParallelism
        self.bcryptRounds = BCryptHash.defaultRounds
    }

    /// A new hash of `password` with a fresh random salt (Django's make_password).
    public func encode(_ password: [UInt8]) throws(PasswordError) -> String {
        switch algorithm {
        case .bcrypt, .bcrypt_sha256: return try encode(password, salt: BCryptHash.newSetting(rounds: bcryptRounds))
        default: return try encode(password, salt: RandomSalt.make())
        }
    }

    /// A hash with the given salt, for tests and known-answer checks. The salt must be non-empty without `$`;
    /// for the bcrypt hashers it is a bcrypt setting (`$2b$12$` and 22 salt characters).
    public func encode(_ password: [UInt8], salt: String) throws(PasswordError) -> String {
        let isBCrypt = algorithm == .bcrypt || algorithm == .bcrypt_sha256
        guard !salt.isEmpty, isBCrypt || !salt.utf8.contains(UInt8(ascii: "$")) else {
            throw PasswordError(.invalidParameters, "a salt must be non-empty and must not contain $")
        }
        return try EncodedPassword(algorithm: algorithm, salt: salt, parameters: preferredParameters).encode(password)
    }

    /// Django's verify_password: whether `password` matches `encoded`, and whether the hash should be
    /// replaced (`needsRehash`). Never throws and never crashes on a malformed hash. An unusable (`!…`),
    /// malformed or unsupported hash costs one `burnTime`, so it does not reveal itself by answering fast.
    public func verify(_ password: [UInt8], against encoded: String) -> PasswordVerdict {
        guard let stored = EncodedPassword(encoded) else {
            burnTime(password)
            return .invalid
        }
        let hasherChanged = stored.algorithm != algorithm
        let needsRehash = hasherChanged || mustUpdate(stored)
        guard let matched = try? stored.matches(password) else {
            // Parameters out of bounds (a planted or corrupt hash): refuse without paying for them.
            burnTime(password)
            return .invalid
        }
        if matched {
            return .valid(needsRehash: needsRehash)
        }
        if !hasherChanged && needsRehash { hardenRuntime(password, stored) }
        return .invalid
    }

    /// Costs what checking a password with the configured hasher costs; used for unknown users so that
    /// "no such user" and "wrong password" take the same time (Django hashes once in that case too).
    public func burnTime(_ password: [UInt8]) {
        burnTimeHash(password)
    }

    /// burnTime's work, returning the hash it derived. Internal, only so that tests (`@testable import`) can check
    /// burnTime's cost without timing it: the hash names the algorithm and parameters the key was derived with,
    /// and verifying it shows the key really was derived with them.
    @discardableResult
    func burnTimeHash(_ password: [UInt8]) -> String? {
        try? encode(password)
    }

    // MARK: Django's must_update and harden_runtime

    private var preferredParameters: EncodedPassword.Parameters {
        switch algorithm {
        case .pbkdf2_sha256, .pbkdf2_sha1: return .pbkdf2(iterations: iterations)
        case .scrypt: return .scrypt(workFactor: scryptWorkFactor, blockSize: scryptBlockSize, parallelism: scryptParallelism)
        case .argon2: return .argon2(.init(variant: "argon2id", memory: argon2Memory, time: argon2Time, parallelism: argon2Parallelism))
        case .bcrypt, .bcrypt_sha256: return .bcrypt(rounds: bcryptRounds)
        case .md5: return .md5  // refused by init: never the configured hasher
        }
    }

    private func mustUpdate(_ stored: EncodedPassword) -> Bool {
        switch stored.parameters {
        case .pbkdf2(let storedIterations):
            // Django also upgrades salts with less than 128 bits of entropy (fewer than 22 characters).
            // (Python's len counts code points, hence unicodeScalars.)
            return storedIterations != iterations || stored.salt.unicodeScalars.count < RandomSalt.length
        case .scrypt(let n, let r, let p):
            return n != scryptWorkFactor || r != scryptBlockSize || p != scryptParallelism
        case .argon2(let costs):
            return costs != .init(variant: "argon2id", memory: argon2Memory, time: argon2Time, parallelism: argon2Parallelism)
        case .bcrypt(let rounds):
            return rounds != bcryptRounds
        case .md5:
            return true
        }
    }

    /// A wrong password against an older, cheaper PBKDF2 hash still costs the configured iterations,
    /// so response time does not reveal which users have old hashes. (Django does not do this for scrypt.)
    private func hardenRuntime(_ password: [UInt8], _ stored: EncodedPassword) {
        guard case .pbkdf2(let storedIterations) = stored.parameters, iterations > storedIterations else { return }
        let extra = EncodedPassword(algorithm: stored.algorithm, salt: stored.salt, parameters: .pbkdf2(iterations: iterations - storedIterations))
        _ = try? extra.encode(password)
    }

    /// Compares without an early exit, so timing does not reveal how much of a hash matched.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return left.withUnsafeBytes { l in
            right.withUnsafeBytes { r in CRYPTO_memcmp(l.baseAddress, r.baseAddress, l.count) == 0 }
        }
    }
}
