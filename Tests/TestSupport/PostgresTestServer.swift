import Foundation

/// The throwaway PostgreSQL cluster that `./scripts/test` starts with `scripts/test-postgres` (as an unprivileged
/// user, in a temporary folder, on a Unix socket there), described by environment variables:
/// - `AUTHD_TEST_POSTGRES`: its connection URL (`postgresql://authd@/authd?host=/tmp/…`);
/// - `AUTHD_TEST_POSTGRES_DIR`: its folder, for the tests that stop, crash and restart it;
/// - `AUTHD_TEST_REQUIRE_POSTGRES=1`: the PostgreSQL tests fail instead of skipping when it is missing
///   (`./scripts/test` sets it, so CI can never pass without them).
public enum PostgresTestServer {
    public static var url: String? { ProcessInfo.processInfo.environment["AUTHD_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }
    public static var directory: String? { ProcessInfo.processInfo.environment["AUTHD_TEST_POSTGRES_DIR"] }
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["AUTHD_TEST_REQUIRE_POSTGRES"] == "1" }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The URL, or why there is none.
    public static func requireURL() throws -> String {
        guard let url else {
            throw Unavailable(description: "no PostgreSQL for the tests: run ./scripts/test, or start one with "
                + "scripts/test-postgres start DIR and set AUTHD_TEST_POSTGRES to the URL it prints")
        }
        return url
    }

    /// The repository's `scripts/test-postgres`.
    public static var controlScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/test-postgres").path
    }

    /// Runs `scripts/test-postgres COMMAND DIR` on the test cluster (stop-only, start-only, crash); its output goes
    /// to `control.log` in the cluster's folder. Safe under load (see `TestProcess.runLogged`).
    public static func control(_ command: String) throws {
        guard let directory else { throw Unavailable(description: "AUTHD_TEST_POSTGRES_DIR is not set") }
        let status = try TestProcess.runLogged(controlScript, [command, directory], logFile: directory + "/control.log")
        guard status == 0 else {
            throw Unavailable(description: "scripts/test-postgres \(command) exited with \(status); see \(directory)/control.log")
        }
    }

    /// Runs SQL on the test database with psql (as the owner of the test database).
    @discardableResult
    public static func psql(_ sql: String, url: String? = nil) throws -> String {
        let target = try url ?? requireURL()
        let result = try TestProcess.run("psql", [target, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw Unavailable(description: "psql failed: \(result.stderrText)") }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A schema of its own in the test database, for one test: a store given this name creates its tables there,
/// and the schema is dropped with everything in it when the last reference goes.
public final class PostgresTestSchema: Sendable {
    public let url: String
    public let name: String

    public init() throws {
        url = try PostgresTestServer.requireURL()
        name = "t_" + (0..<12).map { _ in String(Int.random(in: 0..<36), radix: 36) }.joined()
    }

    deinit {
        _ = try? PostgresTestServer.psql("DROP SCHEMA IF EXISTS \"\(name)\" CASCADE", url: url)
    }

    /// A schema for one test; when no cluster is configured the test is skipped with the error `skip` makes
    /// (`{ XCTSkip($0) }`: this target is built without XCTest, in release builds too), or fails when
    /// `AUTHD_TEST_REQUIRE_POSTGRES=1`.
    public static func forTest(skip: (String) -> any Error) throws -> PostgresTestSchema {
        do {
            return try PostgresTestSchema()
        } catch {
            if PostgresTestServer.isRequired { throw error }
            throw skip("\(error)")
        }
    }
}
