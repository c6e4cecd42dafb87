import XCTest
import Store
import StorePostgres
import StoreSQLite
import TestSupport

enum TestBackend: String {
    case sqlite, postgres
}

/// An empty database of one backend for one test: an SQLite file in a temporary folder, or a schema of its own in
/// the test PostgreSQL cluster (see `PostgresTestServer`). Any number of stores can be opened on it, like a daemon
/// and a CLI command, or two instances.
final class TestDatabase {
    let backend: TestBackend
    private let folder: TemporaryDirectory?
    private let schema: PostgresTestSchema?

    /// Skips the test when PostgreSQL is asked for and not available, unless `AUTHD_TEST_REQUIRE_POSTGRES=1`.
    init(_ backend: TestBackend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            folder = try TemporaryDirectory(prefix: "authd-store")
            schema = nil
        case .postgres:
            folder = nil
            schema = try PostgresTestSchema.forTest { XCTSkip($0) }
        }
    }

    /// Where the database is, for a child process: see `init(environment:)`.
    var environment: [String: String] {
        switch backend {
        case .sqlite: return ["AUTHD_STORE_TEST_SQLITE": sqlitePath]
        case .postgres: return ["AUTHD_STORE_TEST_POSTGRES": schema!.url, "AUTHD_STORE_TEST_SCHEMA": schema!.name]
        }
    }

    var sqlitePath: String { folder!.file("authd.sqlite3") }

    /// A new store on this database. `patient`: an SQLite writer waits longer for another one's lock.
    func open(patient: Bool = false) throws -> any StoreBackend {
        switch backend {
        case .sqlite:
            return try SQLiteStore(path: sqlitePath, busyTimeoutMilliseconds: patient ? 20_000 : 5000)
        case .postgres:
            return try PostgresStore(Self.configuration(url: schema!.url, schema: schema!.name))
        }
    }

    static func configuration(url: String, schema: String) -> PostgresConfiguration {
        PostgresConfiguration(url: url, schema: schema)
    }

    /// A store on the database a parent test described in this process's environment, if it did.
    static func openFromEnvironment() throws -> (any StoreBackend)? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["AUTHD_STORE_TEST_SQLITE"] { return try SQLiteStore(path: path) }
        if let url = environment["AUTHD_STORE_TEST_POSTGRES"], let schema = environment["AUTHD_STORE_TEST_SCHEMA"] {
            return try PostgresStore(configuration(url: url, schema: schema))
        }
        return nil
    }
}
