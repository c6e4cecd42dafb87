import Logging
import Metrics
import Passwords
import Platform
import Settings
import Store
import Tokens

/// The long-lived parts of a serving daemon, outside any `Runtime`: the store and the worker pools. A reload
/// keeps them; changing them (a new store location, pool sizes) needs a restart.
public final class Services: Sendable {
    public let store: any StoreBackend
    /// Password hashing: a login storm waits here, never on an event loop.
    public let hashingPool: WorkerPool
    /// Claims providers that may block (`claims.command` hooks, group look-ups), apart from hashing so that a slow
    /// hook cannot make logins 503 as "busy hashing passwords".
    public let claimsPool: WorkerPool
    /// Counters and histograms outlive runtimes, so a reload never resets them (Prometheus counters only grow).
    public let metrics = MetricsRegistry()
    /// `security.login_throttle`: its counters outlive a reload.
    public let loginThrottle: LoginThrottle?
    /// Verify's in-memory blacklist, kept in step with the store.
    public let blacklist: BlacklistView

    init(store: any StoreBackend, hashingPool: WorkerPool, claimsPool: WorkerPool, loginThrottle: LoginThrottle?) {
        self.store = store
        self.hashingPool = hashingPool
        self.claimsPool = claimsPool
        self.loginThrottle = loginThrottle
        blacklist = BlacklistView(store: store, changes: store)
    }

    /// Opens the store (creating and migrating it when needed) and starts the pools.
    public static func open(_ settings: AuthdSettings, eventLoops: Int) throws(ConfigurationFailure) -> Services {
        let claimsWorkers = max(4, 2 * WorkerPool.onlineCPUs)
        // Every thread that reads (event loops, both pools) keeps a read connection of its own.
        let readers = eventLoops + settings.passwords.workers + claimsWorkers + 2
        let store = try openStore(settings, readConnections: readers)
        let services = Services(store: store,
                                hashingPool: WorkerPool(workers: settings.passwords.workers, queueLimit: settings.passwords.queue),
                                claimsPool: WorkerPool(workers: claimsWorkers, queueLimit: 4 * claimsWorkers,
                                                       name: "authd-claims", niceness: 0),
                                loginThrottle: LoginThrottle(settings.security.loginThrottle))
        // Read before serving, so that verify keeps answering if the database goes away soon after the start.
        do throws(StoreError) {
            try services.blacklist.load(now: SystemWallClock().now())
        } catch {
            services.close()
            throw ConfigurationFailure(["\(settings.sourcePath): the blacklist could not be read from the store: \(error.message)"])
        }
        return services
    }

    /// The store alone: user administration needs no key and no pool.
    public static func openStore(_ settings: AuthdSettings, readConnections: Int = 2) throws(ConfigurationFailure) -> any StoreBackend {
        try ConfiguredStore.open(settings, readConnections: readConnections)
    }

    /// An existing SQLite database file, opened as the source of `authd store copy`.
    public static func openSQLiteSource(path: String) throws(ConfigurationFailure) -> any StoreBackend {
        try ConfiguredStore.openExistingSQLite(path: path)
    }

    /// Lets the pools finish the jobs they accepted, then closes the store (its writes finish first).
    public func close() {
        hashingPool.shutdown()
        claimsPool.shutdown()
        store.close()
    }
}
