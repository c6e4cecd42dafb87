import Platform
import Store
import Synchronization

/// Users, outstanding tokens and the blacklist in PostgreSQL, shared by any number of authd instances (and their
/// CLI commands). Behaves exactly like `SQLiteStore`; what differs is how calls reach the database.
///
/// Every call answers through its completion on a worker thread of this store (never on the caller's, so an event
/// loop never waits for the network): look-ups on the read connections, writes on the write connections in group
/// commits, answered once PostgreSQL confirmed the COMMIT (see `PostgresWorker`). Invalid arguments, a full queue
/// and a closed store are answered at once, on the caller's thread. When the database cannot be reached, calls
/// fail with `.unavailable` (the token domain answers 503) and the workers reconnect by themselves.
public final class PostgresStore: StoreBackend {
    public let configuration: PostgresConfiguration
    public let location: String
    let readers: PostgresQueue
    let writers: PostgresQueue
    private let readWorkers: [PostgresWorker]
    private let writeWorkers: [PostgresWorker]
    let changes: ChangeListener
    /// Told how long each durable commit took (see `observeCommits`).
    private let commitObserver = CommitObserver()

    /// Most calls waiting for a connection of each kind before new ones are refused with `.busy`.
    static let queueLimit = 20_000

    /// Connects, creates or migrates the schema (waiting for another instance that is doing the same), then starts
    /// the workers and the change listener. Throws `.unavailable` when PostgreSQL cannot be reached.
    public init(_ configuration: PostgresConfiguration) throws(StoreError) {
        try Self.validate(configuration)
        self.configuration = configuration
        let setup = try PostgresConnection.open(configuration)
        try PostgresSchema.migrate(setup, configuration)
        location = Self.describe(setup, configuration)
        readers = PostgresQueue(limit: Self.queueLimit)
        writers = PostgresQueue(limit: Self.queueLimit)
        let changes = try ChangeListener(configuration)
        self.changes = changes
        let observer = commitObserver
        var readWorkers: [PostgresWorker] = []
        var writeWorkers: [PostgresWorker] = []
        do throws(StoreError) {
            for index in 0..<max(1, configuration.readConnections) {
                readWorkers.append(try PostgresWorker(role: .reader, index: index, queue: readers, configuration: configuration))
            }
            for index in 0..<max(1, configuration.writeConnections) {
                writeWorkers.append(try PostgresWorker(role: .writer, index: index, queue: writers,
                                                       configuration: configuration, committed: { nanoseconds in
                    changes.bump()
                    observer.report(nanoseconds)
                }))
            }
        } catch {
            Self.stop(readers, readWorkers)
            Self.stop(writers, writeWorkers)
            changes.shutdown()
            throw error
        }
        self.readWorkers = readWorkers
        self.writeWorkers = writeWorkers
    }

    deinit {
        Self.stop(writers, writeWorkers)
        Self.stop(readers, readWorkers)
        changes.shutdown()
    }

    /// Finishes the writes already queued and stops the writers; later writes fail with `.closed`. Look-ups keep
    /// working until the store is released, as on SQLite.
    public func close() {
        Self.stop(writers, writeWorkers)
        changes.shutdown()
    }

    private static func stop(_ queue: PostgresQueue, _ workers: [PostgresWorker]) {
        queue.close()
        for worker in workers { worker.join() }
    }

    /// Reports how long each group commit took (sending the batch to PostgreSQL's confirmed COMMIT, nanoseconds), on
    /// a writer's thread.
    public func observeCommits(_ observer: @escaping @Sendable (_ nanoseconds: UInt64) -> Void) {
        commitObserver.set(observer)
    }

    public var changeVersion: UInt64 { changes.version }

    public var changeLatency: Double { ChangeListener.latency }

    /// The schema version this binary writes.
    public static var schemaVersion: Int { PostgresSchema.latestVersion }

    // MARK: Helpers for the operations

    /// Queues a look-up.
    func read<T: Sendable>(_ statement: PostgresStatement, _ parameters: [String?], _ completion: @escaping StoreCompletion<T>,
                           decode: @escaping @Sendable (PostgresResult) throws(StoreError) -> T) {
        readers.submit(.make(statement, parameters, decode: decode, completion: completion))
    }

    /// Validates on the caller's thread (answering a bad argument at once), then queues the write.
    func write<T: Sendable>(_ statement: PostgresStatement, _ parameters: [String?], _ completion: @escaping StoreCompletion<T>,
                            validate: () throws(StoreError) -> Void = {},
                            decode: @escaping @Sendable (PostgresResult) throws(StoreError) -> T) {
        do throws(StoreError) { try validate() } catch { return completion(.failure(error)) }
        writers.submit(.make(statement, parameters, decode: decode, completion: completion))
    }
}

/// Text parameters as PostgreSQL reads them.
enum SQLText {
    static func int(_ value: Int64) -> String? { String(value) }
    static func int(_ value: Int64?) -> String? { value.map { String($0) } }
    /// Swift prints the shortest text that reads back as the same Double; PostgreSQL's float8 parses it exactly.
    static func real(_ value: Double) -> String? { "\(value)" }
    static func real(_ value: Double?) -> String? { value.map { "\($0)" } }
    static func bool(_ value: Bool) -> String? { value ? "t" : "f" }

    /// Whether a look-up key can name anything stored: a NUL never is (StoreValidation), and a C string would end
    /// there, naming another key.
    static func isStorable(_ key: String) -> Bool { !key.utf8.contains(0) }
}

/// Where the writers report commit durations; set once the metrics exist, after the store opened.
final class CommitObserver: Sendable {
    private let observer = Mutex<(@Sendable (UInt64) -> Void)?>(nil)

    func set(_ new: @escaping @Sendable (UInt64) -> Void) { observer.withLock { $0 = new } }

    func report(_ nanoseconds: UInt64) { observer.withLock { $0 }?(nanoseconds) }
}
