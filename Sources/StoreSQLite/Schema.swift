import Store
#if canImport(Glibc)
import Glibc
#endif

/// The database schema, as an ordered list of migrations. The version applied is kept in
/// `PRAGMA user_version`; a migration is never edited once released, only new ones are appended.
///
/// Tables (version 1):
/// - `users`: Django's auth.User fields. `id` is AUTOINCREMENT so the id of a deleted user is never handed
///   to a new one (a refresh token still naming the old id must not log in as somebody else). `username` is
///   UNIQUE with SQLite's binary collation: case-sensitive, like Django. Times are REAL epoch seconds.
/// - `outstanding_tokens`: one row per refresh/sliding token issued or seen (SimpleJWT's OutstandingToken),
///   without the token text. `family` is the jti of the first token of a rotation chain and `parent_jti` the
///   token it was rotated from, so reuse of any ancestor can revoke the whole chain. `user_id` becomes NULL
///   when the user is deleted (SimpleJWT's SET NULL).
/// - `blacklisted_tokens`: at most one row per outstanding token (SimpleJWT's BlacklistedToken), deleted with it,
///   with the time and reason it was blacklisted.
///
/// Tables (version 2):
/// - `groups`: Django's auth.Group without permissions: a unique, case-sensitive name. AUTOINCREMENT for the
///   same reason as `users`: a deleted group's id is never reused.
/// - `user_groups`: membership, deleted with the user or the group (Django's M2M through table).
///
/// Tables (version 3):
/// - `blacklist_feed`: every blacklisting in commit order (filled by a trigger, so the CLI's and other processes'
///   count too), for the in-memory view that verify consults (`blacklistedSince`). AUTOINCREMENT: a sequence
///   number is never reused, even after the newest rows are flushed, so a reader's cursor never skips a row.
enum Schema {
    struct Migration {
        let version: Int
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                username TEXT NOT NULL UNIQUE,
                password TEXT NOT NULL,
                is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
                is_staff INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
                is_superuser INTEGER NOT NULL DEFAULT 0 CHECK (is_superuser IN (0, 1)),
                email TEXT NOT NULL DEFAULT '',
                first_name TEXT NOT NULL DEFAULT '',
                last_name TEXT NOT NULL DEFAULT '',
                last_login REAL,
                date_joined REAL NOT NULL
            );
            CREATE TABLE outstanding_tokens (
                id INTEGER PRIMARY KEY,
                jti TEXT NOT NULL UNIQUE,
                user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                family TEXT NOT NULL,
                parent_jti TEXT,
                created_at REAL,
                expires_at REAL NOT NULL
            );
            CREATE INDEX outstanding_tokens_family ON outstanding_tokens(family);
            CREATE INDEX outstanding_tokens_parent_jti ON outstanding_tokens(parent_jti);
            CREATE INDEX outstanding_tokens_expires_at ON outstanding_tokens(expires_at);
            CREATE INDEX outstanding_tokens_user_id ON outstanding_tokens(user_id);
            CREATE TABLE blacklisted_tokens (
                id INTEGER PRIMARY KEY,
                token_id INTEGER NOT NULL UNIQUE REFERENCES outstanding_tokens(id) ON DELETE CASCADE,
                blacklisted_at REAL NOT NULL,
                reason TEXT NOT NULL CHECK (reason IN ('rotated', 'logout', 'reuse', 'admin'))
            );
            """),
        Migration(version: 2, sql: """
            CREATE TABLE groups (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE
            );
            CREATE TABLE user_groups (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
                PRIMARY KEY (user_id, group_id)
            ) WITHOUT ROWID;
            CREATE INDEX user_groups_group_id ON user_groups(group_id);
            """),
        Migration(version: 3, sql: """
            CREATE TABLE blacklist_feed (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                jti TEXT NOT NULL
            );
            INSERT INTO blacklist_feed (jti)
                SELECT o.jti FROM blacklisted_tokens b JOIN outstanding_tokens o ON o.id = b.token_id ORDER BY b.id;
            CREATE TRIGGER blacklist_feed_insert AFTER INSERT ON blacklisted_tokens BEGIN
                INSERT INTO blacklist_feed (jti) SELECT jti FROM outstanding_tokens WHERE id = NEW.token_id;
            END;
            """),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Brings the database to `latestVersion`. Runs in one IMMEDIATE transaction, so a CLI and a daemon
    /// opening the same new file at once cannot both apply a migration: the second one waits, then sees
    /// the new version and does nothing.
    static func migrate(_ connection: SQLiteConnection) throws(StoreError) {
        // WAL must be switched on outside a transaction; it is persistent, so this is a no-op after the first time.
        let mode = try switchToWAL(connection)
        guard mode?.lowercased() == "wal" else {
            throw StoreError(.io, "could not switch \(connection.path) to WAL mode (got \(mode ?? "nothing")); "
                + "put the database on a local file system that supports shared memory")
        }
        try connection.execute("BEGIN IMMEDIATE")
        do throws(StoreError) {
            let current = try connection.first("PRAGMA user_version") { Int($0.int64(0)) } ?? 0
            guard current <= latestVersion else {
                throw StoreError(.schemaTooNew, "\(connection.path) has schema version \(current) but this authd "
                    + "knows only up to \(latestVersion); it was written by a newer authd: upgrade authd, "
                    + "or restore a backup made for this version")
            }
            for migration in migrations where migration.version > current {
                try connection.execute(migration.sql)
                // PRAGMA takes no bound parameters; the value is our own integer.
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
            try connection.execute("COMMIT")
        } catch {
            if connection.inTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// Switching a new file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once (without the
    /// busy handler) while another connection opening the same new file holds it: a CLI and the daemon
    /// starting together. That wait is short, so retry for a while.
    private static func switchToWAL(_ connection: SQLiteConnection) throws(StoreError) -> String? {
        var attempts = 0
        while true {
            do {
                return try connection.first("PRAGMA journal_mode = WAL") { $0.text(0) }
            } catch where error.code == .busy && attempts < 500 {
                attempts += 1
                usleep(10_000)
            }
        }
    }
}
