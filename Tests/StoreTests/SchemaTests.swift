import XCTest
import Store
@testable import StoreSQLite
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What only SQLite has: a file, its modes, WAL, PRAGMA user_version.
final class SchemaTests: XCTestCase {
    func testMigratesAnEmptyFileAndReopensWithoutChanges() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("authd.sqlite3")
        do {
            let store = try SQLiteStore(path: path)
            _ = try store.addUser(NewUser(username: "alice", passwordHash: "!", dateJoined: 1))
        }
        XCTAssertEqual(try userVersion(path), SQLiteStore.schemaVersion)
        XCTAssertEqual(try journalMode(path), "wal")
        // Re-opening applies nothing and keeps the data.
        let reopened = try SQLiteStore(path: path)
        XCTAssertEqual(try reopened.users().map(\.username), ["alice"])
        XCTAssertEqual(try userVersion(path), SQLiteStore.schemaVersion)
    }

    func testOpensAFileMadeEmptyByAnotherTool() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("empty.sqlite3")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o600]))
        let store = try SQLiteStore(path: path)
        XCTAssertEqual(try store.users(), [])
    }

    func testRefusesADatabaseFromANewerAuthd() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("authd.sqlite3")
        _ = try SQLiteStore(path: path)
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000, queryOnly: false)
        try raw.execute("PRAGMA user_version = \(SQLiteStore.schemaVersion + 1)")
        XCTAssertThrowsError(try SQLiteStore(path: path)) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.schemaTooNew, ""))
            XCTAssertTrue("\(error)".contains("upgrade authd"), "\(error)")
        }
    }

    func testRefusesAFileThatIsNotADatabase() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("notes.txt")
        try Data(String(repeating: "not sqlite ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SQLiteStore(path: path)) { error in
            XCTAssertNotNil(error as? StoreError)
        }
    }

    func testCreatesTheFileWithMode0600AndMissingFoldersWith0700EvenWithAPermissiveUmask() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("state/authd/authd.sqlite3")
        let previous = umask(0)
        defer { umask(previous) }
        let store = try SQLiteStore(path: path)
        try store.recordOutstanding(token("a"))
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertEqual(try mode(path + "-wal"), 0o600, "SQLite gives the WAL file the database file's mode")
        XCTAssertEqual(try mode(folder.file("state")), 0o700)
        XCTAssertEqual(try mode(folder.file("state/authd")), 0o700)
    }

    func testKeepsTheModeOfAnExistingFile() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("authd.sqlite3")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640]))
        _ = try SQLiteStore(path: path)
        XCTAssertEqual(try mode(path), 0o640)
    }

    func testAPathThroughAFileIsAClearError() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        XCTAssertTrue(FileManager.default.createFile(atPath: folder.file("plain"), contents: nil))
        XCTAssertThrowsError(try SQLiteStore(path: folder.file("plain/authd.sqlite3"))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.io, ""))
            XCTAssertTrue("\(error)".contains("not a folder"), "\(error)")
        }
        XCTAssertThrowsError(try SQLiteStore(path: "")) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
        }
    }

    func testStoresOpeningANewFileAtOnceAllSucceed() throws {
        // Several stores (like the CLI and the daemon) racing to create and migrate the same new file.
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("race.sqlite3")
        let errors = LockedList<String>()
        runConcurrently(4) { _ in
            do { _ = try SQLiteStore(path: path) } catch { errors.append("\(error)") }
        }
        XCTAssertEqual(errors.items, [])
        XCTAssertEqual(try userVersion(path), SQLiteStore.schemaVersion)
    }

    func testAVersionOneDatabaseGainsGroupsAndKeepsItsUsers() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("v1.sqlite3")
        do {
            // Build the file as authd 0.1 (schema version 1) left it.
            try DatabaseFile.prepare(path: path)
            let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000, queryOnly: false)
            try raw.execute(Schema.migrations[0].sql)
            try raw.execute("PRAGMA user_version = 1")
            try raw.run("INSERT INTO users (username, password, date_joined) VALUES ('old', '!', 1)")
        }
        let upgraded = try SQLiteStore(path: path)
        XCTAssertGreaterThanOrEqual(SQLiteStore.schemaVersion, 2)
        XCTAssertEqual(try upgraded.users().map(\.username), ["old"])
        _ = try upgraded.addGroup(name: "web")
        try upgraded.addUser(username: "old", toGroup: "web")
        XCTAssertEqual(try upgraded.groupNames(username: "old"), ["web"])
    }

    private func userVersion(_ path: String) throws -> Int {
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000, queryOnly: true)
        return try raw.first("PRAGMA user_version") { Int($0.int64(0)) } ?? -1
    }

    private func journalMode(_ path: String) throws -> String {
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000, queryOnly: true)
        return try raw.first("PRAGMA journal_mode") { $0.text(0) } ?? ""
    }

    private func mode(_ path: String) throws -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { throw StoreError(.io, "stat \(path): errno \(errno)") }
        return info.st_mode & 0o7777
    }
}

final class SQLiteLockingTests: XCTestCase {
    func testReadsDoNotWaitForAnotherProcessesWriteTransaction() throws {
        // WAL: a reader is not blocked by a writer holding the write lock.
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("authd.sqlite3")
        let store = try SQLiteStore(path: path, busyTimeoutMilliseconds: 100)
        try store.blacklist(token("b"), reason: .logout, now: 1)
        // Another process's connection in the middle of a write transaction.
        let other = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 100, queryOnly: false)
        try other.execute("BEGIN IMMEDIATE; INSERT INTO users (username, password, date_joined) VALUES ('x', '!', 1);")
        XCTAssertTrue(try store.isBlacklisted(jti: "b"))
        XCTAssertNil(try store.user(username: "x"), "uncommitted writes are invisible")
        // A writer that cannot get the lock within its busy timeout fails with .busy instead of hanging.
        XCTAssertThrowsError(try store.recordOutstanding(token("blocked"))) {
            XCTAssertEqual($0 as? StoreError, StoreError(.busy, ""))
        }
        try other.execute("COMMIT")
        XCTAssertNotNil(try store.user(username: "x"))
        XCTAssertTrue(try store.recordOutstanding(token("blocked")))
    }
}
