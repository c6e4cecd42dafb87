import Synchronization

/// Brute-force throttling of obtain, by failed logins: per (client address, username) pair, per address, and
/// per username. A throttled attempt is refused before the user is looked up or a password hashed.
///
/// Counters live in memory, keyed by a 64-bit hash (seeded randomly per process, so keys cannot be aimed at each
/// other) rather than the text, so a 64 KiB username costs what a short one does; at most `maxEntries` are kept,
/// the expired and then the oldest forgotten first, so an attacker cycling through addresses cannot exhaust memory.
public final class LoginThrottle: Sendable {
    public struct Limit: Sendable {
        public var failures: Int
        public var window: Double

        public init(failures: Int, window: Double) {
            self.failures = failures
            self.window = window
        }
    }

    public struct Limits: Sendable {
        public var addressAndUsername: Limit
        public var address: Limit
        /// Beyond `username.failures`, each further failure doubles the wait before the next attempt at that
        /// username, up to `usernameMaxDelay`: slowed, never locked out for longer than that.
        public var username: Limit
        public var usernameMaxDelay: Double
        public var maxEntries: Int

        public init(addressAndUsername: Limit, address: Limit, username: Limit, usernameMaxDelay: Double, maxEntries: Int) {
            self.addressAndUsername = addressAndUsername
            self.address = address
            self.username = username
            self.usernameMaxDelay = usernameMaxDelay
            self.maxEntries = maxEntries
        }
    }

    private struct Entry {
        var failures: Int
        var windowStart: Double
        var lastFailure: Double
    }

    private enum Kind: UInt8 { case pair = 1, address, username }

    public let limits: Limits
    private let entries = Mutex<[UInt64: Entry]>([:])

    public init(limits: Limits) {
        self.limits = limits
    }

    /// Seconds until an attempt from `address` at `username` is allowed, or nil when it is allowed now.
    public func wait(address: String, username: String, now: Double) -> Double? {
        let keys = (key(.pair, address, username), key(.address, address, ""), key(.username, "", username))
        let wait = entries.withLock { table -> Double in
            var wait = 0.0
            for (key, limit) in [(keys.0, limits.addressAndUsername), (keys.1, limits.address)] {
                if let entry = table[key], now - entry.windowStart < limit.window, entry.failures >= limit.failures {
                    wait = max(wait, entry.windowStart + limit.window - now)
                }
            }
            let limit = limits.username
            if let entry = table[keys.2], now - entry.windowStart < limit.window, entry.failures >= limit.failures {
                let excess = min(entry.failures - limit.failures, 30)
                let delay = min(limits.usernameMaxDelay, Double(1 << excess))
                wait = max(wait, entry.lastFailure + delay - now)
            }
            return wait
        }
        return wait > 0 ? wait : nil
    }

    /// Counts a failed login (unknown user, wrong password, inactive user).
    public func recordFailure(address: String, username: String, now: Double) {
        let updates = [(key(.pair, address, username), limits.addressAndUsername.window),
                       (key(.address, address, ""), limits.address.window),
                       (key(.username, "", username), limits.username.window)]
        let maxEntries = limits.maxEntries
        entries.withLock { table in
            for (key, window) in updates {
                if var entry = table[key], now - entry.windowStart < window {
                    entry.failures += 1
                    entry.lastFailure = now
                    table[key] = entry
                } else {
                    table[key] = Entry(failures: 1, windowStart: now, lastFailure: now)
                }
            }
            if table.count > maxEntries { Self.evict(&table, now: now, keep: maxEntries / 2, windows: limits) }
        }
    }

    /// A successful login clears its (address, username) pair: the user got it right, and a typo earlier must not
    /// count against them. The address and username counters stay, so an attacker gains nothing by also logging in.
    public func recordSuccess(address: String, username: String) {
        let pair = key(.pair, address, username)
        entries.withLock { _ = $0.removeValue(forKey: pair) }
    }

    /// How many counters are kept (for tests).
    public var count: Int { entries.withLock { $0.count } }

    /// Drops expired counters, then the oldest, down to `keep`. Amortised: it runs once per `maxEntries / 2` inserts.
    private static func evict(_ table: inout [UInt64: Entry], now: Double, keep: Int, windows: Limits) {
        let longest = max(windows.addressAndUsername.window, windows.address.window, windows.username.window)
        table = table.filter { now - $0.value.windowStart < longest }
        guard table.count > keep else { return }
        let newest = table.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(keep)
        table = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }

    private func key(_ kind: Kind, _ address: String, _ username: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(kind.rawValue)
        hasher.combine(address)
        hasher.combine(username)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }
}
