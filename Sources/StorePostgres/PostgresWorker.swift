import CPostgres
import Platform
import Store
import Synchronization

/// A thread with one connection of its own, running what its queue holds in batches: every call waiting
/// when it looks goes out in one pipeline, so a round trip serves many callers.
///
/// - A reader sends its batch of look-ups as one implicit read-only transaction (one sync). A look-up that fails
///   (it should not: they only read) fails alone; those it made PostgreSQL skip run again in the next batch.
/// - A writer wraps its batch in one transaction (group commit): BEGIN, the calls, a NOTIFY for the other
///   instances, COMMIT. Callers are answered only after PostgreSQL confirmed the COMMIT. When one call fails,
///   the transaction is rolled back, that call gets its error and the others run again in the next batch, so
///   a failing call never spoils the calls committed with it (every call is one statement, and a call that
///   answers a refusal such as `.notFound` has written nothing).
///
/// While the database is unreachable, calls fail at once with `.unavailable` and the worker connects again
/// with a growing pause (up to `maximumBackoff`); a call never waits longer than the timeout in the queue nor,
/// once sent, for an answer.
final class PostgresWorker: @unchecked Sendable {
    enum Role: String {
        case reader, writer
    }

    static let maximumBatch = 256
    static let initialBackoff: UInt64 = 50_000_000
    static let maximumBackoff: UInt64 = 1_000_000_000
    /// Deadlocks and serialization failures are retried this many times before the call fails with `.busy`.
    static let maximumAttempts = 3

    static let notify = PostgresStatement("notify", "SELECT pg_notify($1, '')")

    private let role: Role
    private let queue: PostgresQueue
    private let configuration: PostgresConfiguration
    /// Told after each commit, before the callers hear of it, with how long the batch took from sending to the
    /// confirmed COMMIT (nanoseconds): the store's change counter and commit metrics.
    private let committed: @Sendable (UInt64) -> Void

    // Touched only by the worker's thread.
    private var connection: PostgresConnection?
    private var nextAttempt: UInt64 = 0
    private var backoff = PostgresWorker.initialBackoff
    private var lastFailure = StoreError(.unavailable, "PostgreSQL has not been reached yet")
    /// Taken by the first `join` (close and deinit may both call it, from any thread).
    private let thread = Mutex<PlatformThread?>(nil)

    init(role: Role, index: Int, queue: PostgresQueue, configuration: PostgresConfiguration,
         committed: @escaping @Sendable (UInt64) -> Void = { _ in }) throws(StoreError) {
        self.role = role
        self.queue = queue
        self.configuration = configuration
        self.committed = committed
        do {
            let started = try PlatformThread.start(name: "authd-pg-\(role.rawValue.prefix(1))\(index)") { self.runLoop() }
            thread.withLock { $0 = started }
        } catch {
            throw StoreError(.io, "could not start a PostgreSQL worker thread: \(error); the system is out of threads or memory")
        }
    }

    /// Waits until the thread has run everything queued (the queue must be closed first).
    func join() {
        guard let started = thread.withLock({ current -> PlatformThread? in
            defer { current = nil }
            return current
        }) else { return }
        // The last reference to the store may go inside a completion, on this very thread: it then ends by itself.
        if started.isCurrent { started.detach() } else { started.join() }
    }

    private var timeoutNanoseconds: UInt64 { MonotonicClock.nanoseconds(configuration.timeout) }

    private func runLoop() {
        // Connect before the first call needs it.
        _ = usableConnection()
        while let batch = queue.take(maximum: Self.maximumBatch) {
            let now = MonotonicClock.now()
            var current: [PostgresOperation] = []
            for operation in batch {
                if now &- operation.queued > timeoutNanoseconds {
                    operation.finish(StoreError(.busy, "waited longer than store.postgres.timeout "
                        + "(\(configuration.timeout) s) for a PostgreSQL connection; the database is slow or overloaded"))
                } else {
                    current.append(operation)
                }
            }
            if current.isEmpty { continue }
            guard let connection = usableConnection() else {
                for operation in current { operation.finish(lastFailure) }
                continue
            }
            switch role {
            case .reader: runReads(current, on: connection)
            case .writer: runWrites(current, on: connection)
            }
        }
        connection = nil
    }

    // MARK: Connection

    /// The open connection, a new one when due, or nil while the database is unreachable.
    private func usableConnection() -> PostgresConnection? {
        if let connection {
            if connection.isAliveWhenIdle() { return connection }
            self.connection = nil
            nextAttempt = 0  // it was fine until now: try again at once
        }
        let now = MonotonicClock.now()
        guard now >= nextAttempt else { return nil }
        do throws(StoreError) {
            let fresh = try PostgresConnection.open(configuration)
            try fresh.enterPipelineMode()
            let setup = try? fresh.run([
                .sql("SET search_path TO \(configuration.quotedSchema)"),
                .sql("SET statement_timeout = \(configuration.timeoutMilliseconds)"),
                // A commit is acknowledged to clients as durable: never asynchronously, whatever the server or the
                // role says (stronger settings such as remote_apply are kept).
                .sql("SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'"),
                .sync,
            ], deadline: MonotonicClock.now() + timeoutNanoseconds)
            guard let setup, setup.allSatisfy({ (try? $0.get()) != nil }) else {
                throw StoreError(.unavailable, "setting up a PostgreSQL session failed: \(fresh.errorMessage)")
            }
            connection = fresh
            backoff = Self.initialBackoff
            return fresh
        } catch {
            lastFailure = error
            nextAttempt = MonotonicClock.now() + backoff
            backoff = min(backoff * 2, Self.maximumBackoff)
            return nil
        }
    }

    /// Gives up the connection after a failure: its state is unknown.
    private func drop(_ failure: StoreError) {
        connection = nil
        lastFailure = failure
        nextAttempt = 0
    }

    /// Prepare commands for the statements this connection has not seen yet, each once, before a sync.
    private func preparations(for batch: [PostgresOperation], extra: [PostgresStatement] = [],
                              on connection: PostgresConnection) -> (commands: [PipelineCommand], names: [String]) {
        var names: [String] = []
        var commands: [PipelineCommand] = []
        for statement in batch.map(\.statement) + extra where !connection.prepared.contains(statement.name) {
            guard !names.contains(statement.name) else { continue }
            names.append(statement.name)
            commands.append(.prepare(statement))
        }
        if !commands.isEmpty { commands.append(.sync) }
        return (commands, names)
    }

    /// Records the statements whose preparation succeeded; answers how many replies they took.
    private func notePrepared(_ names: [String], _ replies: ArraySlice<Result<PostgresResult, PostgresFailure>>,
                              on connection: PostgresConnection) {
        for (name, reply) in zip(names, replies) where (try? reply.get()) != nil {
            connection.prepared.insert(name)
        }
    }

    /// Sends the preparations the batch needs, `before`, one execute per operation, and `after`, in one round trip
    /// under the batch deadline; answers the replies from `before` on.
    private func send(_ batch: [PostgresOperation], before: [PipelineCommand], after: [PipelineCommand],
                      extra: [PostgresStatement] = [],
                      on connection: PostgresConnection) throws(PostgresFailure) -> ArraySlice<Result<PostgresResult, PostgresFailure>> {
        let (preparing, names) = preparations(for: batch, extra: extra, on: connection)
        let pipeline = preparing + before + batch.map { .execute($0.statement, $0.parameters) } + after
        let replies = try connection.run(pipeline, deadline: MonotonicClock.now() + timeoutNanoseconds + 1_000_000_000)
        notePrepared(names, replies.prefix(names.count), on: connection)
        return replies.dropFirst(names.count)
    }

    // MARK: Reads

    private func runReads(_ batch: [PostgresOperation], on connection: PostgresConnection) {
        let replies: ArraySlice<Result<PostgresResult, PostgresFailure>>
        do {
            replies = try send(batch, before: [], after: [.sync], on: connection)
        } catch {
            drop(error.error)
            // A look-up changes nothing: one more try on a new connection, for calls caught by a server restart.
            var again: [PostgresOperation] = []
            for operation in batch {
                if operation.attempts == 0 {
                    operation.attempts += 1
                    again.append(operation)
                } else {
                    operation.finish(error.error)
                }
            }
            queue.requeue(again)
            return
        }
        var skipped: [PostgresOperation] = []
        for (operation, reply) in zip(batch, replies) {
            switch reply {
            case .success(let result):
                operation.accept(result)
                operation.finish(nil)
            case .failure(.aborted) where operation.attempts < 2:
                // Skipped because a look-up before it failed: run it again in the next batch.
                operation.attempts += 1
                skipped.append(operation)
            case .failure(let failure):
                operation.finish(failure.error)
            }
        }
        queue.requeue(skipped)
    }

    // MARK: Writes

    private func runWrites(_ batch: [PostgresOperation], on connection: PostgresConnection) {
        let started = MonotonicClock.now()
        let transaction: ArraySlice<Result<PostgresResult, PostgresFailure>>  // BEGIN, the calls, NOTIFY, COMMIT
        do {
            transaction = try send(batch, before: [.sql("BEGIN")],
                                   after: [.execute(Self.notify, [configuration.changeChannel]), .sql("COMMIT"), .sync],
                                   extra: [Self.notify], on: connection)
        } catch {
            // The COMMIT may or may not have happened: nobody is told it did. Not retried, for the same reason.
            drop(error.error)
            for operation in batch { operation.finish(error.error) }
            return
        }
        let calls = Array(transaction.dropFirst().prefix(batch.count))
        if case .success(let commit)? = transaction.last, String(cString: PQcmdStatus(commit.handle)) == "COMMIT" {
            for (operation, reply) in zip(batch, calls) {
                if case .success(let result) = reply { operation.accept(result) }
            }
            committed(MonotonicClock.now() &- started)
            for operation in batch { operation.finish(nil) }
            return
        }
        recoverFromFailedBatch(batch, calls: calls, transaction: Array(transaction), on: connection)
    }

    /// The transaction failed: find the call that broke it, answer it, and run the rest again.
    private func recoverFromFailedBatch(_ batch: [PostgresOperation], calls: [Result<PostgresResult, PostgresFailure>],
                                        transaction: [Result<PostgresResult, PostgresFailure>],
                                        on connection: PostgresConnection) {
        if PQtransactionStatus(connection.handle) == PQTRANS_INERROR {
            let rolledBack = try? connection.run([.sql("ROLLBACK"), .sync],
                                                 deadline: MonotonicClock.now() + timeoutNanoseconds)
            if rolledBack == nil || PQtransactionStatus(connection.handle) != PQTRANS_IDLE {
                drop(StoreError(.unavailable, "rolling back a failed PostgreSQL transaction failed: \(connection.errorMessage)"))
            }
        }
        let culprit = calls.firstIndex { reply in
            if case .failure(let failure) = reply, case .aborted = failure { return false }
            if case .failure = reply { return true }
            return false
        }
        let failure: PostgresFailure
        if let culprit, case .failure(let found) = calls[culprit] {
            failure = found
        } else {
            // BEGIN, NOTIFY or COMMIT itself failed: not any one call's fault.
            failure = transaction.compactMap { reply -> PostgresFailure? in
                if case .failure(let found) = reply, !found.isAborted { return found }
                return nil
            }.first ?? .statement(StoreError(.database, "the PostgreSQL transaction did not commit"))
        }
        switch failure {
        case .transient(let error):
            var again: [PostgresOperation] = []
            for operation in batch {
                operation.attempts += 1
                if operation.attempts >= Self.maximumAttempts { operation.finish(error) } else { again.append(operation) }
            }
            queue.requeue(again)
        case .statement(let error) where culprit != nil:
            batch[culprit!].finish(error)
            var others = batch
            others.remove(at: culprit!)
            queue.requeue(others)
        default:
            for operation in batch { operation.finish(failure.error) }
        }
    }
}

extension PostgresFailure {
    var isAborted: Bool {
        if case .aborted = self { return true }
        return false
    }
}
