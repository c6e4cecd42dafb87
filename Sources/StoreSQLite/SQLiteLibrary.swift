import CSQLite

/// Process-wide switches of the SQLite library. They must run before the first connection opens; the
/// assembly decides whether to apply them (see `ProcessTuning` there).
public enum SQLiteLibrary {
    /// SQLite's memory statistics take a global mutex on every allocation, so the event loops (reads) and the
    /// writer contend on it; authd never reads those statistics. Answers false when it is too late (SQLite was
    /// initialised already): then the default stays, which is only slower.
    @discardableResult
    public static func disableMemoryStatistics() -> Bool {
        authd_sqlite_config_memstatus_off() == SQLITE_OK
    }
}
