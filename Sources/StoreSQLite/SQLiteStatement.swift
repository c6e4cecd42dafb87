import Store
import CSQLite

/// A value bound to a statement parameter.
enum SQLValue {
    case int(Int64)
    case real(Double)
    case text(String)
    case null

    static func optional(_ value: Double?) -> SQLValue { value.map { .real($0) } ?? .null }
    static func optional(_ value: Int64?) -> SQLValue { value.map { .int($0) } ?? .null }
    static func bool(_ value: Bool) -> SQLValue { .int(value ? 1 : 0) }
}

/// Owns one prepared `sqlite3_stmt`; finalized exactly once, in `deinit`.
/// Lives in its connection's cache and is used only by the thread that currently holds that connection.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: OpaquePointer
    let sql: String

    init(database: OpaquePointer, sql: String) throws(StoreError) {
        var statement: OpaquePointer?
        // PERSISTENT: these statements are cached for the life of the connection.
        let rc = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw sqliteError(database, rc, "preparing \(sql)")
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears the previous run so the statement can be reused: reset + unbind.
    func reset() {
        // The result of reset repeats the last step's error, which was already reported by step().
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ values: [SQLValue]) throws(StoreError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .int(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .null: rc = sqlite3_bind_null(handle, index)
            case .text(let v):
                var text = v
                // Explicit length so an embedded NUL cannot silently truncate a key such as a username.
                rc = text.withUTF8 { bytes -> Int32 in
                    guard let base = bytes.baseAddress, bytes.count > 0 else {
                        // A nil pointer would bind NULL; an empty string must stay an empty string.
                        return sqlite3_bind_text(handle, index, "", 0, authd_sqlite_transient())
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(bytes.count), authd_sqlite_transient())
                    }
                }
            }
            guard rc == SQLITE_OK else { throw sqliteError(database, rc, "binding parameter \(index) of \(sql)") }
        }
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw sqliteError(database, rc, "running \(sql)")
        }
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func bool(_ column: Int32) -> Bool { sqlite3_column_int64(handle, column) != 0 }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func text(_ column: Int32) -> String {
        // column_text must be called before column_bytes so the byte count is of the UTF-8 form.
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
}

/// Turns an SQLite result code into a StoreError that names the operation, with the library's own message.
func sqliteError(_ database: OpaquePointer?, _ rc: Int32, _ during: String) -> StoreError {
    let detail = database.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
    let primary = rc & 0xFF
    switch primary {
    case SQLITE_BUSY, SQLITE_LOCKED:
        return StoreError(.busy, "the database is locked by another connection (\(detail)) while \(during); "
            + "retry, or raise the busy timeout if another process holds long transactions")
    case SQLITE_CONSTRAINT:
        if rc == authd_sqlite_constraint_unique() || rc == authd_sqlite_constraint_primarykey() {
            return StoreError(.conflict, "a unique value is already taken (\(detail))")
        }
        return StoreError(.invalidArgument, "a value was rejected by the schema (\(detail)) while \(during)")
    case SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY, SQLITE_PERM:
        return StoreError(.io, "SQLite I/O failure (\(detail), code \(rc)) while \(during); "
            + "check disk space and the permissions of the database file and its folder")
    default:
        return StoreError(.sqlite, "SQLite error \(rc) (\(detail)) while \(during)")
    }
}
