import XCTest
import Store
@testable import StoreSQLite
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

final class SchemaTests: XCTestCase {
    func testMigratesAnEmptyFileAndReopensWithoutChanges() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("authd.sqlite3")
        do {
            let store = try Store(path: path)
            _ = try store.addUser(NewUser(username: "alice", passwordHash: "!", dateJoined: 1))
        }
        XCTAssertEqual(try userVersion(path), Store.schemaVersion)
        XCTAssertEqual(try journalMode(path), "wal")
        // Re-opening applies nothing and keeps the data.
        let reopened = try Store(path: path)
        XCTAssertEqual(try reopened.users().map(\.username), ["alice"])
        XCTAssertEqual(try userVersion(path), Store.schemaVersion)
    }

    func testOpensAFileMadeEmptyByAnotherTool() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("empty.sqlite3")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o600]))
        let store = try Store(path: path)
        XCTAssertEqual(try store.users(), [])
    }

    func testRefusesADatabaseFromANewerAuthd() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("authd.sqlite3")
        _ = try Store(path: path)
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1000, queryOnly: false)
        try raw.execute("PRAGMA user_version = \(Store.schemaVersion + 1)")
        XCTAssertThrowsError(try Store(path: path)) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.schemaTooNew, ""))
            XCTAssertTrue("\(error)".contains("upgrade authd"), "\(error)")
        }
    }

    func testRefusesAFileThatIsNotADatabase() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("notes.txt")
        try Data(String(repeating: "not sqlite ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Store(path: path)) { error in
            XCTAssertNotNil(error as? StoreError)
        }
    }

    func testCreatesTheFileWithMode0600AndMissingFoldersWith0700EvenWithAPermissiveUmask() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("state/authd/authd.sqlite3")
        let previous = umask(0)
        defer { umask(previous) }
        let store = try Store(path: path)
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
        _ = try Store(path: path)
        XCTAssertEqual(try mode(path), 0o640)
    }

    func testAPathThroughAFileIsAClearError() throws {
        let folder = try TemporaryDirectory(prefix: "authd-store")
        XCTAssertTrue(FileManager.default.createFile(atPath: folder.file("plain"), contents: nil))
        XCTAssertThrowsError(try Store(path: folder.file("plain/authd.sqlite3"))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.io, ""))
            XCTAssertTrue("\(error)".contains("not a folder"), "\(error)")
        }
        XCTAssertThrowsError(try Store(path: "")) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
        }
    }

    func testStoresOpeningANewFileAtOnceAllSucceed() throws {
        // Several stores (like the CLI and the daemon) racing to create and migrate the same new file.
        let folder = try TemporaryDirectory(prefix: "authd-store")
        let path = folder.file("race.sqlite3")
        let errors = LockedList<String>()
        runConcurrently(4) { _ in
            do { _ = try Store(path: path) } catch { errors.append("\(error)") }
        }
        XCTAssertEqual(errors.items, [])
        XCTAssertEqual(try userVersion(path), Store.schemaVersion)
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
