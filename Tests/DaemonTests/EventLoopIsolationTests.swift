import Foundation
import XCTest

/// No event-loop thread waits for the store: a logout whose commit cannot happen (another process holds the
/// database's write lock) leaves every other connection answering.
final class EventLoopIsolationTests: XCTestCase {
    func testVerifyKeepsAnsweringWhileALogoutWaitsForItsCommit() throws {
        let daemon = try DaemonFixture(.init(extraYAML: "security:\n  request_timeout: 60s\n"))
        // The store waits up to busy_timeout for the lock: long enough that the logout is still waiting below.
        let yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try yaml.replacingOccurrences(of: "store:\n", with: "store:\n  busy_timeout: 60s\n")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        daemon.stop()
        try daemon.start()
        try daemon.addUser("ada", password: "pw")
        let pair = try daemon.tcp().post("/api/token/", json: #"{"username":"ada","password":"pw"}"#)
        let refresh = try XCTUnwrap(pair.json["refresh"] as? String)
        let access = try XCTUnwrap(pair.json["access"] as? String)

        let lock = try WriteLockHolder(database: daemon.directory + "/authd.sqlite3")
        defer { lock.release() }
        let logout = try daemon.tcp()
        try logout.send(Self.post("/api/token/blacklist/", json: #"{"refresh":"\#(refresh)"}"#))

        // Connections spread over every event loop, the logout's among them; each must keep answering at once.
        let clients = try (0..<8).map { _ in try RawHTTPClient(.tcp(host: "127.0.0.1", port: daemon.port), timeoutSeconds: 10) }
        for round in 0..<25 {
            for (index, client) in clients.enumerated() {
                let answer = try client.post("/api/token/verify/", json: #"{"token":"\#(access)"}"#)
                XCTAssertEqual(answer.status, 200, "round \(round), connection \(index)")
            }
        }
        lock.release()
        XCTAssertEqual(try logout.readResponse().status, 200, "the logout answers once its commit is durable")
        let refused = try daemon.tcp().post("/api/token/refresh/", json: #"{"refresh":"\#(refresh)"}"#)
        XCTAssertEqual(refused.status, 401)
    }

    func testCheckConfigOnAFreshPathCreatesNothing() throws {
        let daemon = try DaemonFixture(.init(startServer: false))
        let fresh = daemon.directory + "/fresh/state"
        let yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try yaml.replacingOccurrences(of: daemon.directory + "/authd.sqlite3", with: fresh + "/authd.sqlite3")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let before = try FileManager.default.contentsOfDirectory(atPath: daemon.directory).sorted()
        let check = daemon.cli(["check-config"])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("not created yet"), check.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.directory + "/fresh"), "no folder was made")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: daemon.directory).sorted(), before)
    }

    static func post(_ path: String, json: String) -> String {
        "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(json.utf8.count)\r\n\r\n\(json)"
    }
}

/// Another process in the middle of a write transaction on the database, until `release()`.
final class WriteLockHolder {
    private let process = Process()
    private let input = Pipe()

    init(database: String) throws {
        let python = ProcessInfo.processInfo.environment["AUTHD_TEST_PYTHON"] ?? "python3"
        let script = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            c.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            sys.stdin.read()
            c.execute("ROLLBACK")
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, database]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        let line = output.fileHandleForReading.readData(ofLength: 7)
        guard String(decoding: line, as: UTF8.self) == "locked\n" else {
            throw ClientError("could not take the database's write lock")
        }
    }

    func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
