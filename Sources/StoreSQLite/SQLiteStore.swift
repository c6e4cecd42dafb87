import Store

/// The embedded store: users, outstanding refresh tokens and the blacklist in one SQLite file (WAL mode).
///
/// The CLI and the daemon may open the same file at the same time. Writes go through one writer thread per
/// store that batches them into group commits (see `WriteQueue`) and answer on that thread once the commit is
/// durable; between processes, SQLite's write lock and the busy timeout serialize the transactions.
/// Reads answer on the caller's thread, from a pool of read connections: in WAL mode a read never waits for
/// the writer, and a hop to another thread would cost more than the indexed look-up itself.
/// Invalid arguments and a closed store are reported at once, on the caller's thread.
public final class SQLiteStore: StoreBackend {
    /// The database file.
    public let path: String
    let writer: WriteQueue
    let readers: ReadPool
    let checkpointer: Checkpointer
    let changes: ChangeWatcher

    /// Opens (creating the file and its folders if missing) and migrates the database.
    /// - Parameters:
    ///   - busyTimeoutMilliseconds: how long a write waits for another process's transaction before failing
    ///     with `.busy`.
    ///   - readConnections: how many idle read connections are kept open: as many as threads that read at
    ///     once (event loops and worker pools), so none is opened or closed while serving.
    public init(path: String, busyTimeoutMilliseconds: Int = 5000, readConnections: Int = 16) throws(StoreError) {
        try DatabaseFile.prepare(path: path)
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, queryOnly: false)
        try Schema.migrate(connection)
        self.path = path
        let checkpointer = try Checkpointer(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        self.checkpointer = checkpointer
        let changes = try ChangeWatcher(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        self.changes = changes
        self.writer = try WriteQueue(connection: connection, checkpointer: checkpointer, committed: changes.bump)
        self.readers = ReadPool(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, maxIdle: readConnections)
    }

    deinit {
        writer.shutdown()
        checkpointer.shutdown()
        changes.shutdown()
    }

    public var location: String { path }

    /// Finishes the writes already queued and stops the writer; later writes fail with `.closed`.
    /// Called by `deinit` too; calling it early makes shutdown explicit (e.g. on SIGTERM).
    public func close() {
        writer.shutdown()
        checkpointer.shutdown()
        changes.shutdown()
    }

    public func observeCommits(_ observer: @escaping @Sendable (_ nanoseconds: UInt64) -> Void) {
        writer.observeCommits(observer)
    }

    public var changeVersion: UInt64 { changes.version }

    public var changeLatency: Double { ChangeWatcher.interval }

    /// The schema version this binary writes.
    public static var schemaVersion: Int { Schema.latestVersion }

    // MARK: Helpers for the operations

    /// Runs a read on a pooled read connection and answers at once, on the caller's thread.
    func read<T: Sendable>(_ completion: StoreCompletion<T>, _ body: (SQLiteConnection) throws(StoreError) -> T) {
        completion(Result { () throws(StoreError) -> T in try readers.withConnection(body) })
    }

    /// Validates on the caller's thread (answering a bad argument at once), then queues the write.
    func write<T: Sendable>(
        _ completion: @escaping StoreCompletion<T>,
        validate: () throws(StoreError) -> Void = {},
        _ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T
    ) {
        do throws(StoreError) { try validate() } catch { return completion(.failure(error)) }
        writer.submit(body, completion: completion)
    }
}
