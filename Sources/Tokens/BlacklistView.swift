import Platform
import Store
import Synchronization

/// The blacklist as verify consults it: an in-memory set of blacklisted jtis (64-bit keys, seeded per process),
/// kept in step with the store through `TokenStore.blacklistedSince` and `StoreChangeFeed.changeVersion`, so that
/// answering costs no I/O.
///
/// - This process's own blacklistings (rotation, logout) are added as they are acknowledged; a family revoked for
///   reuse makes the next check read the store's new entries first.
/// - Others' (the CLI, another instance) are read when the change feed moves, at most once per `refreshInterval`:
///   they show within `changeLatency + refreshInterval` (50 + 50 ms with SQLite).
/// - A key found in the set is confirmed with the store (blacklisted tokens are rare), so a hash collision can
///   never refuse a good token.
/// - Entries whose token has expired are forgotten (an expired token is refused before the blacklist is asked).
/// - When the store cannot be read (PostgreSQL down or restarting), the view answers as it stands, as of its last
///   read, and tries again at most once per `refreshInterval`: verify keeps working through a database outage. Only
///   before its first complete read does it answer with the store's failure.
public final class BlacklistView: Sendable {
    private struct State {
        var keys: [UInt64: Double] = [:]
        var cursor: Int64 = 0
        var seenVersion: UInt64 = 0
        /// A catch-up has read the whole feed once.
        var loaded = false
        /// Read before the next answer (a family was revoked).
        var mustRead = false
        /// The last read failed: try again once `refreshInterval` has passed.
        var failed = false
        var lastRead: UInt64 = 0
        var lastPrune: Double = 0
    }

    static let batch = 10_000
    static let refreshInterval: UInt64 = 50_000_000
    static let pruneInterval: Double = 60

    private let store: any TokenStore
    private let changes: (any StoreChangeFeed)?
    private let state = Mutex(State())

    public init(store: any TokenStore, changes: (any StoreChangeFeed)?) {
        self.store = store
        self.changes = changes
    }

    /// Whether the token with `jti` is blacklisted; a failure only when the store could not be read. Answers
    /// before returning when nothing new must be read (and, with SQLite, always: its reads answer inline).
    public func contains(jti: String, now: Double, completion: @escaping @Sendable (Result<Bool, StoreError>) -> Void) {
        let key = Self.key(jti)
        let store = self.store
        let answer: @Sendable () -> Void = { [self] in
            guard state.withLock({ $0.keys[key] != nil }) else { return completion(.success(false)) }
            store.isBlacklisted(jti: jti, completion: completion)   // confirmed: a hash collision never refuses
        }
        guard let (cursor, loaded) = plan(now: now) else { return answer() }
        catchUp(from: cursor, now: now) { failure in
            if let failure, !loaded { completion(.failure(failure)) } else { answer() }
        }
    }

    /// The cursor to read new blacklistings from and whether a read has completed before, or nil when the view is up
    /// to date enough.
    private func plan(now: Double) -> (Int64, Bool)? {
        let version = changes?.changeVersion ?? 0
        let clock = MonotonicClock.now()
        return state.withLock { state -> (Int64, Bool)? in
            if now - state.lastPrune > Self.pruneInterval {
                state.lastPrune = now
                state.keys = state.keys.filter { $0.value > now }
            }
            let intervalPassed = clock &- state.lastRead >= Self.refreshInterval
            let due = !state.loaded || state.mustRead || (changes == nil && !state.failed)
                || ((version != state.seenVersion || state.failed) && intervalPassed)
            guard due else { return nil }
            state.mustRead = false
            state.failed = false
            state.seenVersion = version
            state.lastRead = clock
            return (state.cursor, state.loaded)
        }
    }

    /// Reads the feed from `cursor` until it stops moving.
    private func catchUp(from cursor: Int64, now: Double, done: @escaping @Sendable (StoreError?) -> Void) {
        store.blacklistedSince(cursor, limit: Self.batch) { [self] result in
            switch result {
            case .failure(let error):
                state.withLock { state in
                    state.failed = true
                    state.lastRead = MonotonicClock.now()
                }
                done(error)
            case .success(let batch):
                state.withLock { state in
                    for entry in batch.entries where entry.expiresAt > now { state.keys[Self.key(entry.jti)] = entry.expiresAt }
                    state.cursor = max(state.cursor, batch.cursor)
                }
                if !batch.complete, batch.cursor > cursor { return catchUp(from: batch.cursor, now: now, done: done) }
                state.withLock { $0.loaded = true }
                done(nil)
            }
        }
    }

    /// Reads the whole feed now, blocking (at start-up, off any event loop), so that a database outage right after
    /// start does not find the view empty.
    public func load(now: Double) throws(StoreError) {
        guard let (cursor, _) = plan(now: now) else { return }
        let _: Void = try StoreCall.wait { [self] completion in
            catchUp(from: cursor, now: now) { failure in completion(failure.map { .failure($0) } ?? .success(())) }
        }
    }

    /// A blacklisting this process just committed.
    public func add(jti: String, expiresAt: Double) {
        let key = Self.key(jti)
        state.withLock { $0.keys[key] = expiresAt }
    }

    /// Blacklistings happened that this process does not know one by one (a family revoked): read them next time.
    public func invalidate() {
        state.withLock { $0.mustRead = true }
    }

    /// How many blacklisted tokens are held (for tests and metrics).
    public var count: Int { state.withLock { $0.keys.count } }

    private static func key(_ jti: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(jti)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }
}
