import Store
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite
import Platform

/// The single writer: one connection owned by one dedicated thread, fed by a queue.
///
/// Group commit: the thread takes every operation waiting (up to `maxBatch`) and runs them in ONE
/// `BEGIN IMMEDIATE … COMMIT`, so one fsync serves many callers. Each operation runs inside its own SAVEPOINT:
/// when it fails, only its own changes are rolled back and the others still commit. A caller's completion
/// runs only after COMMIT succeeded (or with the error that stopped it), on the writer thread — completions
/// must be short and must not block on the store.
final class WriteQueue: @unchecked Sendable {
    /// One queued write: `execute` runs the body inside the transaction and records its result, answering
    /// whether it succeeded; `deliver` hands the recorded result to the caller, or `failure` if the batch
    /// did not commit.
    private struct Operation {
        let execute: (SQLiteConnection) -> Bool
        let deliver: (_ failure: StoreError?) -> Void
    }

    private static let maxBatch = 512

    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var pending: [Operation] = []
    private var stopping = false
    private var joined = false
    private var commitObserver: (@Sendable (UInt64) -> Void)?

    private let connection: SQLiteConnection
    // Written once in init, before any caller can see this object.
    private var thread: PlatformThread?

    /// Takes over checkpointing from the commits (see Checkpointer); nil: SQLite checkpoints on commit.
    private let checkpointer: Checkpointer?

    /// Told after every successful commit, on the writer thread, before the callers' completions run.
    private let committed: @Sendable () -> Void

    init(connection: SQLiteConnection, checkpointer: Checkpointer?,
         committed: @escaping @Sendable () -> Void = {}) throws(StoreError) {
        self.connection = connection
        self.checkpointer = checkpointer
        self.committed = committed
        if let checkpointer {
            // Replaces SQLite's auto-checkpoint hook (which is itself a WAL hook): after each commit SQLite
            // reports the WAL's size, and the checkpointer thread does the copying. The checkpointer outlives
            // this connection's use: the SQLiteStore owns both and stops the writer first.
            sqlite3_wal_hook(connection.handle, { context, database, _, walPages in
                if walPages >= Checkpointer.writerThreshold {
                    // The background copies cannot finish while commits keep appending, and the WAL only starts
                    // over after a complete checkpoint. So at this size the writer finishes the job itself
                    // (cheap: the background thread has copied most frames already), bounding the WAL.
                    var logFrames: Int32 = 0, copied: Int32 = 0
                    _ = sqlite3_wal_checkpoint_v2(database, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied)
                } else if let context {
                    Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().nudge(walPages: walPages)
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(checkpointer).toOpaque())
        }
        // Every rotation touches the jti index, the family index and the blacklist: a larger page cache than
        // SQLite's 2 MiB default keeps their hot pages in memory instead of re-reading them per transaction.
        try connection.execute("PRAGMA cache_size = -8192")
        // The thread holds a reference for as long as it runs, released when its loop ends.
        do {
            thread = try PlatformThread.start(name: "authd-writer") { self.runLoop() }
        } catch {
            throw StoreError(.io, "could not start the store writer thread: \(error); "
                + "the system is out of threads or memory")
        }
    }

    /// Queues `body` to run in the next write transaction; `completion` gets its result after COMMIT.
    func submit<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T,
        completion: @escaping @Sendable (Result<T, StoreError>) -> Void
    ) {
        // Touched only on the writer thread: set by `execute`, read by `deliver`.
        let box = ResultBox<T>()
        let operation = Operation(
            execute: { connection in
                do throws(StoreError) {
                    box.result = .success(try body(connection))
                    return true
                } catch {
                    box.result = .failure(error)
                    return false
                }
            },
            deliver: { failure in
                if let failure {
                    completion(.failure(failure))
                } else {
                    completion(box.result ?? .failure(StoreError(.sqlite, "a store operation produced no result")))
                }
            })
        let accepted = lock.withLock { () -> Bool in
            guard !stopping else { return false }
            pending.append(operation)
            if pending.count == 1 { lock.broadcast() }
            return true
        }
        if !accepted {
            completion(.failure(StoreError(.closed, "the store was closed; open a new Store to write")))
        }
    }

    /// Reports how long each group commit took (BEGIN to durable COMMIT, nanoseconds), on the writer thread.
    func observeCommits(_ observer: @escaping @Sendable (UInt64) -> Void) {
        lock.withLock { commitObserver = observer }
    }

    /// Runs what is already queued, then stops the thread and waits for it (unless called on it).
    /// Later submissions fail with `.closed`.
    func shutdown() {
        let mustJoin = lock.withLock { () -> Bool in
            stopping = true
            lock.broadcast()
            defer { joined = true }
            return !joined
        }
        guard mustJoin else { return }
        if thread?.isCurrent == true {
            // The last reference was dropped inside a completion: the loop ends by itself after this batch.
            thread?.detach()
        } else {
            thread?.join()
        }
    }

    private func runLoop() {
        while true {
            let (batch, observer) = lock.withLock { () -> ([Operation], (@Sendable (UInt64) -> Void)?) in
                while pending.isEmpty && !stopping { lock.wait() }
                let count = min(pending.count, WriteQueue.maxBatch)
                let batch = Array(pending.prefix(count))
                pending.removeFirst(count)
                return (batch, commitObserver)
            }
            if batch.isEmpty { return }  // stopping, and everything queued has run
            let start = observer == nil ? 0 : MonotonicClock.now()
            runBatch(batch)
            observer?(MonotonicClock.now() &- start)
        }
    }

    private func runBatch(_ batch: [Operation]) {
        do throws(StoreError) {
            try connection.execute("BEGIN IMMEDIATE")
            for operation in batch {
                // run() keeps these two prepared; sqlite3_exec would compile them again for every operation.
                try connection.run("SAVEPOINT op")
                if operation.execute(connection) {
                    try connection.run("RELEASE op")
                } else {
                    try connection.execute("ROLLBACK TO op; RELEASE op")
                }
            }
            try connection.execute("COMMIT")
        } catch {
            // Nothing of this batch is durable: every caller gets the error, none a result.
            if connection.inTransaction { try? connection.execute("ROLLBACK") }
            for operation in batch { operation.deliver(error) }
            return
        }
        committed()
        for operation in batch { operation.deliver(nil) }
    }
}

/// A result slot handed from `execute` to `deliver`, both on the writer thread.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, StoreError>?
}
