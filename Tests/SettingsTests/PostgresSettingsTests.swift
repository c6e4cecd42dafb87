import Foundation
import Settings
import XCTest

/// `store.postgres`: the connection, the password file and its permissions, and what is refused or warned about.
final class PostgresSettingsTests: SettingsTestCase {
    private func settings(_ store: String) -> String {
        """
        SIMPLE_JWT:
          SIGNING_KEY_FILE: \(tmp.path)/hs.key
        store:
        \(store)
        """
    }

    func testURLKeywordsPasswordFileAndDefaults() throws {
        let password = try tmp.write("db.pass", "s3cret\n", mode: 0o640)
        let loaded = try parse(settings("""
              postgres:
                url: "postgresql://authd@db.example/authd?sslmode=verify-full"
                sslrootcert: ca.pem
                port: 6432
                password_file: \(password)
            """))
        let postgres = try XCTUnwrap(loaded.store.postgres)
        XCTAssertEqual(postgres.parameters.map(\.keyword), ["dbname", "sslrootcert", "port"])
        XCTAssertEqual(postgres.parameters.map(\.value),
                       ["postgresql://authd@db.example/authd?sslmode=verify-full", "ca.pem", "6432"],
                       "keywords follow the URL so they override it")
        XCTAssertEqual(postgres.password, "s3cret", "one trailing newline is not part of the password")
        XCTAssertEqual(postgres.schema, "authd")
        XCTAssertEqual(postgres.connections, 4)
        XCTAssertEqual(postgres.timeout, .seconds(5))
        XCTAssertEqual(loaded.warnings, [])
        XCTAssertFalse("\(postgres)".contains("s3cret"), "settings may be logged: \(postgres)")
    }

    func testLibpqKeywordsAloneAndOwnSettings() throws {
        let postgres = try XCTUnwrap(try parse(settings("""
              postgres:
                host: /run/postgresql
                dbname: authd
                user: authd
                schema: auth_prod
                connections: 8
                timeout: 2s
            """)).store.postgres)
        XCTAssertEqual(postgres.parameters.map { "\($0.keyword)=\($0.value)" },
                       ["host=/run/postgresql", "dbname=authd", "user=authd"])
        XCTAssertEqual(postgres.schema, "auth_prod")
        XCTAssertEqual(postgres.connections, 8)
        XCTAssertEqual(postgres.timeout, .seconds(2))
    }

    func testAPasswordInTheURLWorksButIsWarnedAboutAndNeverShown() throws {
        let loaded = try parse(settings("""
              postgres:
                url: "postgresql://authd:hunter2@db.example/authd"
            """))
        XCTAssertEqual(loaded.warnings, [
            "authd.yaml:5:5: store.postgres.url: the URL holds a password, which anyone who can read this file can read; "
                + "put it in a file with mode 600 and set store.postgres.password_file",
        ])
        XCTAssertFalse("\(loaded.store)".contains("hunter2"))
        XCTAssertEqual(try parse(settings("""
              postgres:
                url: "host=db.example password=hunter2"
            """)).warnings.count, 1)
    }

    func testPasswordFileWithLooseModeOrEmptyIsRefused() throws {
        let open = try tmp.write("open.pass", "pw\n", mode: 0o644)
        let empty = try tmp.write("empty.pass", "\n", mode: 0o600)
        assertMessages(errors(settings("  postgres:\n    password_file: \(open)")), [
            "authd.yaml:5:5: store.postgres.password_file: \(open) is readable by other users; run chmod 600 \(open)",
        ])
        assertMessages(errors(settings("  postgres:\n    password_file: \(empty)")), [
            "authd.yaml:5:5: store.postgres.password_file: \(empty) is empty; write the database password into it (mode 600)",
        ])
        assertMessages(errors(settings("  postgres:\n    password_file: \(tmp.path)/missing.pass")), [
            "authd.yaml:5:5: store.postgres.password_file: cannot open \(tmp.path)/missing.pass: No such file or directory",
        ])
    }

    func testMistakesAreErrorsThatPointAtTheSetting() throws {
        assertMessages(errors(settings("""
              sqlite: /var/lib/authd/authd.sqlite3
              postgres:
                url: "mysql://db.example/authd"
                schema: Auth
                connections: 1
                timeout: 10ms
                sslmod: require
                port: "x"
            """)), [
            "authd.yaml:4:3: store.sqlite: store.sqlite is for the SQLite store; with store.postgres remove it",
            "authd.yaml:6:5: store.postgres.url: expected a URL starting with postgresql:// (or libpq's key=value form), got \"mysql://db.example/authd\"",
            "authd.yaml:7:5: store.postgres.schema: \"Auth\" is not a schema name authd accepts: lower-case letters, digits and _, starting with a letter or _, at most 63 characters",
            "authd.yaml:8:5: store.postgres.connections: 1 is out of range; expected 2 to 64",
            "authd.yaml:9:5: store.postgres.timeout: \"10ms\" is too short for a database round trip; use at least 100ms",
            "authd.yaml:10:5: store.postgres.sslmod: unknown key \"sslmod\"; did you mean \"sslmode\"?",
            "authd.yaml:11:5: store.postgres.port: expected a port number, got \"x\"",
        ])
    }

    func testWithoutPostgresTheStoreIsSQLite() throws {
        XCTAssertNil(try parse(settings("  sqlite: \(tmp.path)/a.sqlite3")).store.postgres)
    }
}
