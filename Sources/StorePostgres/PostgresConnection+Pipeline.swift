#if canImport(Glibc)
import Glibc
#endif
import CPostgres
import Platform
import Store

/// One step of a pipeline.
enum PipelineCommand {
    /// Prepares a named statement on this connection.
    case prepare(PostgresStatement)
    /// Runs a prepared statement with text parameters (nil is SQL NULL).
    case execute(PostgresStatement, [String?])
    /// Runs a statement without parameters (BEGIN, COMMIT, ROLLBACK).
    case sql(String)
    /// Ends an implicit transaction: an error skips the commands up to here, and only those.
    case sync
}

extension PostgresConnection {
    /// Sends every command in one go, then reads every answer: one round trip however many commands there are.
    /// Answers one reply per command other than `.sync`, in order; a reply is `.aborted` when an earlier error
    /// since the last sync skipped it.
    ///
    /// Throws `.connection` when the connection failed, or when nothing arrived before `deadline`
    /// (a `MonotonicClock` reading): then the connection must be dropped, since its state is unknown.
    func run(_ commands: [PipelineCommand], deadline: UInt64) throws(PostgresFailure) -> [Result<PostgresResult, PostgresFailure>] {
        for command in commands {
            let sent: Int32
            switch command {
            case .prepare(let statement):
                sent = PQsendPrepare(handle, statement.name, statement.sql, 0, nil)
            case .execute(let statement, let parameters):
                sent = withCStrings(parameters) { values in
                    PQsendQueryPrepared(handle, statement.name, Int32(parameters.count), values, nil, nil, 0)
                }
            case .sql(let text):
                sent = PQsendQueryParams(handle, text, 0, nil, nil, nil, nil, 0)
            case .sync:
                sent = PQpipelineSync(handle)
            }
            guard sent == 1 else { throw lost("sending to PostgreSQL failed") }
        }
        try flush(until: deadline)

        var replies: [Result<PostgresResult, PostgresFailure>] = []
        replies.reserveCapacity(commands.count)
        for command in commands {
            if case .sync = command {
                guard let marker = try nextResult(until: deadline), marker.status == PGRES_PIPELINE_SYNC else {
                    throw lost("PostgreSQL's answers are out of step with the pipeline")
                }
                continue
            }
            // A command's results end with a NULL; a statement authd sends has exactly one result.
            var reply: Result<PostgresResult, PostgresFailure> = .failure(.aborted)
            while let result = try nextResult(until: deadline) {
                if let failure = result.failure {
                    if case .connection = failure { throw failure }
                    if isBroken { throw lost(failure.error.message) }
                    reply = .failure(failure)
                } else {
                    reply = .success(result)
                }
            }
            replies.append(reply)
        }
        return replies
    }

    private func lost(_ what: String) -> PostgresFailure {
        .connection(StoreError(.unavailable, "\(what): \(errorMessage)"))
    }

    /// Writes out what libpq buffered. While the server's answers fill the socket it cannot read more of ours,
    /// so answers are taken in as they come (libpq's documented way to avoid that deadlock).
    private func flush(until deadline: UInt64) throws(PostgresFailure) {
        while true {
            let state = PQflush(handle)
            if state == 0 { return }
            guard state == 1 else { throw lost("sending to PostgreSQL failed") }
            let events = try wait(for: Int16(POLLIN | POLLOUT), until: deadline)
            if events & Int16(POLLIN) != 0, PQconsumeInput(handle) == 0 { throw lost("reading from PostgreSQL failed") }
        }
    }

    /// The next result, waiting for the server until `deadline`; nil ends one command's results.
    private func nextResult(until deadline: UInt64) throws(PostgresFailure) -> PostgresResult? {
        while PQisBusy(handle) == 1 {
            _ = try wait(for: Int16(POLLIN), until: deadline)
            guard PQconsumeInput(handle) == 1 else { throw lost("reading from PostgreSQL failed") }
        }
        return PQgetResult(handle).map(PostgresResult.init)
    }

    private func wait(for events: Int16, until deadline: UInt64) throws(PostgresFailure) -> Int16 {
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let remaining = MonotonicClock.milliseconds(until: deadline)
            guard remaining > 0 else { throw silent() }
            let ready: Int
            do {
                ready = try SystemCall.value("poll") { Int(poll(&descriptor, 1, Int32(clamping: remaining))) }
            } catch {
                throw .connection(StoreError(.unavailable, "waiting for PostgreSQL failed: \(error)"))
            }
            if ready > 0 { return descriptor.revents }
        }
    }

    private func silent() -> PostgresFailure {
        .connection(StoreError(.unavailable, "PostgreSQL did not answer in time (store.postgres.timeout); "
            + "the connection is dropped and opened again"))
    }
}
