import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `authd` binary: a temporary state folder, a generated key, a settings file, and `authd serve`
/// listening on an ephemeral TCP port and a Unix socket. CLI commands run against the same settings file.
final class DaemonFixture {
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["AUTHD_BINARY"] { return override }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = testBundle
        // .build/<triple>/debug/authdPackageTests.xctest → .build/<triple>/debug/authd
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("authd").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("authd").path
    }

    let temporary: TemporaryDirectory
    var directory: String { temporary.path }
    let configPath: String
    let socketPath: String
    private(set) var port: UInt16 = 0
    private var server: TestProcess.Running?
    private let environment: [String: String]?

    struct Options {
        var algorithm = "HS256"
        var simpleJWT: [String: String] = [:]
        var extraYAML = ""
        /// More `listen:` entries (YAML list items, indented two spaces), e.g. a `delivery: cookie` Unix socket;
        /// `@DIR@` stands for the fixture's folder.
        var extraListeners = ""
        var iterations = 1000
        var startServer = true
        var poolWorkers: Int?
        var poolQueue: Int?
        /// The environment of `authd serve` (not of CLI commands); nil: this process's own.
        var environment: [String: String]?
        /// The `store:` section's body (indented two spaces); nil: an SQLite file in the fixture's folder.
        var store: String?
    }

    init(_ options: Options = Options()) throws {
        temporary = try TemporaryDirectory(prefix: "authd-daemon")
        environment = options.environment
        configPath = temporary.file("authd.yaml")
        socketPath = temporary.file("authd.sock")
        let keyPath = temporary.file("signing.key")
        let generated = Self.run(["keys", "generate", "--algorithm", options.algorithm, "--out", keyPath])
        guard generated.status == 0 else { throw ClientError("keys generate failed: \(generated.stderr)") }

        var simpleJWT = [
            "ALGORITHM": options.algorithm,
            "SIGNING_KEY_FILE": keyPath,
        ]
        for (k, v) in options.simpleJWT { simpleJWT[k] = v }
        var yaml = "SIMPLE_JWT:\n"
        for (k, v) in simpleJWT.sorted(by: { $0.key < $1.key }) { yaml += "  \(k): \(v)\n" }
        yaml += """
            listen:
              - tcp: 127.0.0.1:0
              - unix: \(socketPath)
                mode: "0660"
            \(options.extraListeners.replacingOccurrences(of: "@DIR@", with: directory))store:
            \(options.store ?? "  sqlite: \(directory)/authd.sqlite3")
            passwords:
              iterations: \(options.iterations)\(options.poolWorkers.map { "\n  workers: \($0)" } ?? "")\(options.poolQueue.map { "\n  queue: \($0)" } ?? "")
            logging:
              level: debug

            """
        yaml += options.extraYAML
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        if options.startServer { try start() }
    }

    deinit {
        stop()
    }

    var keyPath: String { directory + "/signing.key" }
    /// What `authd serve` logged (standard error) since the last `start`.
    var log: String { server?.state.stderr ?? "" }
    /// The process id of `authd serve`, while it runs.
    var pid: Int32? { server.map(\.pid) }

    func start() throws {
        let server = try TestProcess.start(Self.binary, ["serve", "--config", configPath], environment: environment)
        self.server = server
        // Readiness is a log line: wait for it (or for an early exit) as it arrives.
        _ = server.wait(timeout: 20) { $0.stderr.contains("ready") }
        let text = server.state.stderr
        guard text.contains("ready") else {
            throw ClientError(server.isRunning ? "authd serve did not become ready:\n\(text)" : "authd serve exited early:\n\(text)")
        }
        if let range = text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
            port = UInt16(text[range].split(separator: ":").last!)!
        }
    }

    /// Waits (up to 5 s) until the log contains `text`: log lines are written as a request completes, and reach
    /// the pipe a moment after the response.
    func waitForLog(_ text: String) -> Bool {
        server?.wait(timeout: 5) { $0.stderr.contains(text) } ?? false
    }

    /// Sends `signal` (SIGTERM unless told) and waits; returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let server else { return 0 }
        if server.isRunning { server.signal(signal) }
        return server.waitUntilExit()
    }

    var isRunning: Bool { server?.isRunning ?? false }

    func tcp() throws -> RawHTTPClient { try RawHTTPClient(.tcp(host: "127.0.0.1", port: port)) }
    func unix() throws -> RawHTTPClient { try RawHTTPClient(.unix(path: socketPath)) }

    /// Runs an `authd` CLI command against this fixture's settings file.
    func cli(_ arguments: [String], stdin: String? = nil) -> (status: Int32, stdout: String, stderr: String) {
        Self.run(arguments + ["--config", configPath], stdin: stdin)
    }

    func addUser(_ name: String, password: String, extra: [String] = []) throws {
        let result = cli(["user", "add", name, "--password-stdin"] + extra, stdin: password + "\n")
        guard result.status == 0 else { throw ClientError("user add failed: \(result.stderr)") }
    }

    /// Runs the `authd` binary to completion (both output streams drained together: see `TestProcess.run`).
    static func run(_ arguments: [String], stdin: String? = nil) -> (status: Int32, stdout: String, stderr: String) {
        do {
            let result = try TestProcess.run(binary, arguments, stdin: Array((stdin ?? "").utf8))
            return (result.status, result.stdoutText, result.stderrText)
        } catch {
            return (127, "", "\(error)")
        }
    }
}
