import Passwords

import Glibc

/// The `passwords:` section: the Django hasher used for new hashes and the worker pool that runs it.
/// Stored hashes of every supported hasher verify regardless of `hasher`.
public struct PasswordSettings: Sendable, Hashable {
    public var hasher: PasswordAlgorithm = .pbkdf2_sha256
    /// PBKDF2 rounds; Django 6.1's default for pbkdf2_sha256.
    public var iterations = 1_500_000
    /// scrypt N (a power of two), r and p: Django's ScryptPasswordHasher defaults.
    public var workFactor = 1 << 14
    public var blockSize = 8
    public var parallelism = 5
    /// Hashing threads; defaults to the number of online CPUs.
    public var workers: Int
    /// Hash jobs allowed to wait for a worker before requests get 503. The default, one per worker, bounds the
    /// wait to about one hash: under a login storm a client hears "retry" at once instead of queueing for seconds.
    public var queue: Int

    public init() {
        workers = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        queue = workers
    }

    static let pbkdf2Keys = ["iterations"]
    static let scryptKeys = ["work_factor", "block_size", "parallelism"]

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> PasswordSettings {
        var settings = PasswordSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "passwords",
                                          known: ["hasher", "workers", "queue"] + pbkdf2Keys + scryptKeys)
        else { return settings }
        if let field = fields["hasher"], let name = decoder.choice(field, PasswordAlgorithm.producible.map(\.rawValue)),
           let hasher = PasswordAlgorithm(rawValue: name) {
            settings.hasher = hasher
        }
        // Options of the other hasher family would be silently ignored: say so instead.
        let misplaced: [String]
        switch settings.hasher {
        case .scrypt: misplaced = pbkdf2Keys
        case .pbkdf2_sha256, .pbkdf2_sha1: misplaced = scryptKeys
        default: misplaced = pbkdf2Keys + scryptKeys  // argon2 and bcrypt use Django's default costs
        }
        for name in misplaced {
            if let field = fields[name] {
                decoder.error(.invalidValue, field, "\(name) does not apply to the \(settings.hasher) hasher; remove it")
            }
        }
        if settings.hasher == .pbkdf2_sha256 || settings.hasher == .pbkdf2_sha1, let field = fields["iterations"],
           let value = decoder.integer(field, in: 1...100_000_000) {
            settings.iterations = value
        }
        if settings.hasher == .scrypt {
            if let field = fields["work_factor"], let value = decoder.integer(field, in: 2...(1 << 20)) {
                if value & (value - 1) == 0 {
                    settings.workFactor = value
                } else {
                    decoder.error(.invalidValue, field, "\(value) is not a power of two; use 16384 (2^14) or another power of two")
                }
            }
            if let field = fields["block_size"], let value = decoder.integer(field, in: 1...64) { settings.blockSize = value }
            if let field = fields["parallelism"], let value = decoder.integer(field, in: 1...64) { settings.parallelism = value }
        }
        if let field = fields["workers"], let value = decoder.integer(field, in: 1...1024) { settings.workers = value }
        if let field = fields["queue"], let value = decoder.integer(field, in: 0...1_000_000) { settings.queue = value }
        return settings
    }
}
