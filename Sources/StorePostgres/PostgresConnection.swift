#if canImport(Glibc)
import Glibc
#endif
import CPostgres
import Platform
import Store

/// Owns one libpq connection (`PGconn`), closed exactly once, in `deinit`. Used by one thread at a time (a worker,
/// the change listener, or whoever sets up the schema), which is why it is `@unchecked Sendable`.
///
/// Set-up, migrations and inspection use libpq's blocking calls. Workers switch the connection to non-blocking
/// pipeline mode and run every round trip through `PostgresPipeline`, under a deadline.
final class PostgresConnection: @unchecked Sendable {
    let handle: OpaquePointer
    /// Named statements prepared on this connection (by the pipeline, the first time one is used).
    var prepared: Set<String> = []

    private init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQfinish(handle) }

    /// Connects (blocking, at most `connect_timeout`), or throws `.unavailable` with libpq's reason.
    static func open(_ configuration: PostgresConfiguration) throws(StoreError) -> PostgresConnection {
        let parameters = configuration.connectionParameters()
        let handle = withCStrings(parameters.map(\.keyword) + [nil]) { keywords in
            withCStrings(parameters.map(\.value) + [nil]) { values in
                // expand_dbname 1: a dbname holding a URL or key=value string is read as connection parameters.
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let handle else {
            throw StoreError(.unavailable, "libpq could not allocate a connection; the system is out of memory")
        }
        // From here the owner closes the handle, whatever happens below.
        let connection = PostgresConnection(handle)
        // libpq prints server notices ("relation … already exists, skipping") on standard error by default: a daemon's
        // log is not the place for them.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw StoreError(.unavailable, "cannot connect to PostgreSQL: \(connection.errorMessage); "
                + "check store.postgres (url, password_file) and that the server is running")
        }
        return connection
    }

    /// libpq's last error message, on one line.
    var errorMessage: String {
        guard let text = PQerrorMessage(handle) else { return "unknown error" }
        let lines = String(cString: text).split(whereSeparator: \.isNewline)
        let message = lines.map { $0.trimmingPrefix(while: \.isWhitespace) }.filter { !$0.isEmpty }.joined(separator: "; ")
        return message.isEmpty ? "unknown error" : message
    }

    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    var socket: Int32 { PQsocket(handle) }

    /// "authd@/run/postgresql:5432/authd" (user, host, port, database; never the password).
    var summary: String {
        func field(_ value: UnsafeMutablePointer<CChar>?) -> String { value.map { String(cString: $0) } ?? "" }
        return "\(field(PQuser(handle)))@\(field(PQhost(handle))):\(field(PQport(handle)))/\(field(PQdb(handle)))"
    }

    // MARK: Blocking calls, before pipeline mode

    /// Runs SQL text with the simple query protocol (several statements allowed); throws the first error.
    func execute(_ sql: String) throws(StoreError) {
        let result = PQexec(handle, sql).map(PostgresResult.init)
        try check(result, sql)
    }

    /// Runs one statement with text parameters and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws(StoreError) -> PostgresResult {
        let raw = withCStrings(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        let result = raw.map(PostgresResult.init)
        try check(result, sql)
        return result!
    }

    private func check(_ result: PostgresResult?, _ sql: String) throws(StoreError) {
        guard let result else {
            throw StoreError(.unavailable, "PostgreSQL connection failed: \(errorMessage)")
        }
        if let failure = result.failure {
            let error = failure.error
            throw StoreError(error.code, "\(error.message) while running: \(sql.prefix(80))")
        }
    }

    /// Non-blocking pipeline mode, for the workers: many statements per round trip, every wait bounded.
    func enterPipelineMode() throws(StoreError) {
        guard PQsetnonblocking(handle, 1) == 0, PQenterPipelineMode(handle) == 1 else {
            throw StoreError(.unavailable, "cannot switch the PostgreSQL connection to pipeline mode: \(errorMessage)")
        }
    }

    /// Whether an idle connection is still usable: a server that shut down or dropped it has sent its farewell
    /// (or EOF) by now, which is read here instead of failing the next batch.
    func isAliveWhenIdle() -> Bool {
        guard !isBroken else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return true }  // nothing arrived: alive (or EINTR: look next time)
        if descriptor.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return false }
        // Something arrived while idle: only a notice or an error announcing the end can.
        guard PQconsumeInput(handle) == 1, !isBroken else { return false }
        while PQisBusy(handle) == 0, let stray = PQgetResult(handle) {
            let result = PostgresResult(stray)
            if result.failure != nil { return false }
        }
        return !isBroken
    }
}

/// Hands C strings (NUL-terminated copies) of `values` to `body`; nil stays a NULL pointer (SQL NULL, or the end
/// of a keyword list). Callers make sure no value contains a NUL byte (`StoreValidation.storableText`).
func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = values.map { value in value.map { strdup($0) } ?? nil }
    defer { for copy in copies { free(copy) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
