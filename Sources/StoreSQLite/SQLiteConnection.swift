import Store
import CSQLite

/// Owns one `sqlite3` handle and its cache of prepared statements; closed exactly once, in `deinit`.
///
/// It is opened with SQLITE_OPEN_NOMUTEX: a connection is used by one thread at a time (the writer thread,
/// or whoever borrowed it from the read pool), so SQLite's per-connection mutex would be pure overhead.
/// That hand-off discipline is why the class is `@unchecked Sendable`.
final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    let path: String
    private var statements: [String: SQLiteStatement] = [:]

    init(path: String, busyTimeoutMilliseconds: Int, queryOnly: Bool) throws(StoreError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = sqliteError(db, rc, "opening \(path)")
            // sqlite3_open_v2 may allocate a handle even when it fails; it must still be closed.
            sqlite3_close_v2(db)
            throw error
        }
        self.handle = db
        self.path = path
        // From here on deinit closes the handle if a pragma below fails.
        let timeout = Int32(clamping: max(0, busyTimeoutMilliseconds))
        let busyRC = sqlite3_busy_timeout(db, timeout)
        guard busyRC == SQLITE_OK else { throw sqliteError(db, busyRC, "setting the busy timeout") }
        // foreign_keys and synchronous are per connection and must be set on every one.
        // synchronous=FULL: in WAL mode every COMMIT is fsynced, so an acknowledged write survives power loss.
        try execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
        if queryOnly { try execute("PRAGMA query_only = ON;") }
    }

    deinit {
        // Finalize every statement before closing; close_v2 would otherwise linger as a zombie.
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows we need (pragmas, DDL, transaction control).
    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if let message { sqlite3_free(message) }
        guard rc == SQLITE_OK else { throw sqliteError(handle, rc, "running \(sql)") }
    }

    /// A cached prepared statement, reset and unbound when `body` returns.
    func withStatement<T>(
        _ sql: String, _ bindings: [SQLValue] = [], _ body: (SQLiteStatement) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        let statement: SQLiteStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try SQLiteStatement(database: handle, sql: sql)
            statements[sql] = statement
        }
        defer { statement.reset() }
        try statement.bind(bindings)
        return try body(statement)
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> Int {
        try withStatement(sql, bindings) { (statement) throws(StoreError) -> Int in
            while try statement.step() {}
            return Int(sqlite3_changes64(handle))
        }
    }

    /// The first row mapped by `row`, or nil.
    func first<T>(_ sql: String, _ bindings: [SQLValue] = [], _ row: (SQLiteStatement) -> T) throws(StoreError) -> T? {
        try withStatement(sql, bindings) { (statement) throws(StoreError) -> T? in
            try statement.step() ? row(statement) : nil
        }
    }

    /// Every row mapped by `row`.
    func all<T>(_ sql: String, _ bindings: [SQLValue] = [], _ row: (SQLiteStatement) -> T) throws(StoreError) -> [T] {
        try withStatement(sql, bindings) { (statement) throws(StoreError) -> [T] in
            var rows: [T] = []
            while try statement.step() { rows.append(row(statement)) }
            return rows
        }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open (false in autocommit mode), used to roll back after a failed COMMIT.
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
