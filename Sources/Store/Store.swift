/// authd's database: users, outstanding refresh tokens and the blacklist, in one SQLite file (WAL mode).
///
/// The CLI and the daemon may open the same file at the same time. Writes go through one writer thread per
/// Store that batches them into group commits (see `WriteQueue`); between processes, SQLite's write lock and
/// the busy timeout serialize the transactions. Reads use a small pool of read connections.
///
/// Every write method has a blocking form and a completion-handler form. The completion runs on the store's
/// writer thread after the transaction committed: keep it short, hop to your own thread for real work, and
/// never call a blocking Store method from it (that fails with `.invalidArgument` instead of deadlocking).
/// Invalid arguments and a closed store are reported at once, on the caller's thread.
///
/// Deliberate differences from SimpleJWT's token_blacklist app: the token text is never stored (only its jti
/// and metadata), tokens carry their rotation family so reuse can revoke a whole chain, and blacklist rows
/// carry a reason.
public final class Store: Sendable {
    /// The database file.
    public let path: String
    let writer: WriteQueue
    let readers: ReadPool
    let checkpointer: Checkpointer

    /// Opens (creating the file and its folders if missing) and migrates the database.
    /// - Parameters:
    ///   - busyTimeoutMilliseconds: how long a write waits for another process's transaction before failing
    ///     with `.busy`.
    ///   - readConnections: how many idle read connections are kept open.
    public init(path: String, busyTimeoutMilliseconds: Int = 5000, readConnections: Int = 4) throws(StoreError) {
        ProcessTuning.applied
        try DatabaseFile.prepare(path: path)
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, queryOnly: false)
        try Schema.migrate(connection)
        self.path = path
        let checkpointer = try Checkpointer(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        self.checkpointer = checkpointer
        self.writer = try WriteQueue(connection: connection, checkpointer: checkpointer)
        self.readers = ReadPool(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, maxIdle: readConnections)
    }

    deinit {
        writer.shutdown()
        checkpointer.shutdown()
    }

    /// Finishes the writes already queued and stops the writer; later writes fail with `.closed`.
    /// Called by `deinit` too; calling it early makes shutdown explicit (e.g. on SIGTERM).
    public func close() {
        writer.shutdown()
        checkpointer.shutdown()
    }

    /// The schema version this binary writes.
    public static var schemaVersion: Int { Schema.latestVersion }
}

extension Store {
    /// Validation shared by the write methods: bad input becomes `.invalidArgument`, never a crash.
    static func requireFinite(_ value: Double, _ name: String) throws(StoreError) {
        guard value.isFinite else { throw StoreError(.invalidArgument, "\(name) must be a finite number of seconds, got \(value)") }
    }

    static func requireFinite(_ value: Double?, _ name: String) throws(StoreError) {
        if let value { try requireFinite(value, name) }
    }
}
