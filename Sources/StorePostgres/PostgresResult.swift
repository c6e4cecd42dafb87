import CPostgres
import Store

/// Owns one `PGresult`; cleared exactly once, in `deinit`. Values arrive in libpq's text format.
final class PostgresResult: @unchecked Sendable {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    var status: ExecStatusType { PQresultStatus(handle) }
    var rowCount: Int { Int(PQntuples(handle)) }

    /// Rows an INSERT, UPDATE or DELETE touched.
    var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) != 0 }

    func text(_ row: Int, _ column: Int) -> String {
        guard let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return "" }
        return String(cString: value)
    }

    func optionalText(_ row: Int, _ column: Int) -> String? { isNull(row, column) ? nil : text(row, column) }

    // The decoders below read columns of the types authd's own schema declares, so a value that does not
    // parse is a broken database, reported as such rather than guessed at.

    func int64(_ row: Int, _ column: Int) throws(StoreError) -> Int64 {
        guard let value = Int64(text(row, column)) else { throw unreadable(row, column, "an integer") }
        return value
    }

    func optionalInt64(_ row: Int, _ column: Int) throws(StoreError) -> Int64? {
        isNull(row, column) ? nil : try int64(row, column)
    }

    func double(_ row: Int, _ column: Int) throws(StoreError) -> Double {
        guard let value = Double(text(row, column)) else { throw unreadable(row, column, "a number") }
        return value
    }

    func optionalDouble(_ row: Int, _ column: Int) throws(StoreError) -> Double? {
        isNull(row, column) ? nil : try double(row, column)
    }

    func bool(_ row: Int, _ column: Int) throws(StoreError) -> Bool {
        switch text(row, column) {
        case "t": return true
        case "f": return false
        default: throw unreadable(row, column, "a boolean")
        }
    }

    private func unreadable(_ row: Int, _ column: Int, _ expected: String) -> StoreError {
        let name = PQfname(handle, Int32(column)).map { String(cString: $0) } ?? "column \(column)"
        return StoreError(.database, "PostgreSQL answered \"\(text(row, column))\" for \(name) where authd expects "
            + "\(expected); the schema was changed by hand?")
    }

    /// The error this result reports, classified (nil unless the status is an error).
    var failure: PostgresFailure? {
        switch status {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_PIPELINE_SYNC:
            return nil
        case PGRES_PIPELINE_ABORTED:
            return .aborted
        default:
            let state = PQresultErrorField(handle, authd_pg_diag_sqlstate()).map { String(cString: $0) } ?? ""
            let message = PQresultErrorField(handle, authd_pg_diag_message_primary()).map { String(cString: $0) }
                ?? PQresultErrorMessage(handle).map { String(cString: $0) } ?? "unknown error"
            let detail = PQresultErrorField(handle, authd_pg_diag_message_detail()).map { String(cString: $0) }
            return PostgresFailure(sqlState: state, message: detail.map { "\(message) (\($0))" } ?? message)
        }
    }
}
