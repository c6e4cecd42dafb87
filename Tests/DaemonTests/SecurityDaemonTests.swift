import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 10 through the real daemon: throttling over HTTP, trusted proxies, DRF's 415, file modes.
final class SecurityDaemonTests: XCTestCase {
    private static let throttleYAML = """
        security:
          login_throttle:
            address_and_username: {failures: 2, window: 1m}

        """

    func testThrottledLoginAnswers429WithDRFsBody() throws {
        let daemon = try DaemonFixture(.init(extraYAML: Self.throttleYAML))
        try daemon.addUser("ada", password: "pw")
        let client = try daemon.tcp()
        for _ in 0..<2 {
            XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"ada","password":"guess"}"#).status, 401)
        }
        let throttled = try client.post("/api/token/", json: #"{"username":"ada","password":"pw"}"#)
        XCTAssertEqual(throttled.status, 429)
        XCTAssertEqual(throttled.header("Retry-After"), "60")
        XCTAssertEqual(throttled.text, #"{"detail":"Request was throttled. Expected available in 60 seconds."}"#)
        // The Unix socket is another client ("unix"), so it is not throttled by the TCP client's failures.
        XCTAssertEqual(try daemon.unix().post("/api/token/", json: #"{"username":"ada","password":"pw"}"#).status, 200)
        XCTAssertTrue(daemon.waitForLog("throttled"), daemon.log)
    }

    /// X-Forwarded-For names the client only when the peer is a trusted proxy.
    func testForwardedClientAddressIsTrustedOnlyFromTrustedProxies() throws {
        let trusted = try DaemonFixture(.init(extraYAML: Self.throttleYAML.replacingOccurrences(
            of: "security:\n", with: "security:\n  trusted_proxies: [127.0.0.1]\n")))
        try trusted.addUser("ada", password: "pw")
        func login(_ daemon: DaemonFixture, _ password: String, from address: String) throws -> Int {
            try daemon.tcp().request("POST", "/api/token/", body: #"{"username":"ada","password":"\#(password)"}"#,
                                     headers: [("X-Forwarded-For", "\(address), 127.0.0.1")]).status
        }
        for _ in 0..<2 { XCTAssertEqual(try login(trusted, "guess", from: "203.0.113.7"), 401) }
        XCTAssertEqual(try login(trusted, "pw", from: "203.0.113.7"), 429)
        XCTAssertEqual(try login(trusted, "pw", from: "203.0.113.8"), 200, "another client behind the proxy")

        let untrusting = try DaemonFixture(.init(extraYAML: Self.throttleYAML))
        try untrusting.addUser("ada", password: "pw")
        for _ in 0..<2 { XCTAssertEqual(try login(untrusting, "guess", from: "203.0.113.7"), 401) }
        XCTAssertEqual(try login(untrusting, "pw", from: "203.0.113.8"), 429, "a forged header changes nothing")
    }

    /// DRF: a body without Content-Type matches no parser.
    func testBodyWithoutContentTypeIs415() throws {
        let daemon = try DaemonFixture()
        let response = try daemon.tcp().request("POST", "/api/token/", body: #"{"username":"a","password":"b"}"#,
                                                contentType: nil)
        XCTAssertEqual(response.status, 415)
        XCTAssertEqual(response.text, #"{"detail":"Unsupported media type \"\" in request."}"#)
    }

    /// A database other users can read is refused (its hashes, and its -wal/-shm files would get the same mode).
    func testDatabaseReadableByOthersIsRefused() throws {
        let daemon = try DaemonFixture(.init(startServer: false))
        try daemon.addUser("ada", password: "pw")
        let database = daemon.directory + "/authd.sqlite3"
        XCTAssertEqual(chmod(database, 0o644), 0)
        let serve = daemon.cli(["user", "list"])
        XCTAssertEqual(serve.status, 1)
        XCTAssertTrue(serve.stderr.contains("chmod 600 \(database)"), serve.stderr)
        XCTAssertEqual(chmod(database, 0o640), 0)
        XCTAssertEqual(daemon.cli(["user", "list"]).status, 0, "0640 (a group) is allowed")
    }

    /// Slow readers and silent connections over TCP leave the Unix socket and a second client address answering.
    func testFloodOfSilentAndSlowClientsLeavesOthersServed() throws {
        let daemon = try DaemonFixture(.init(extraYAML: """
            security:
              max_connections: 200
              max_connections_per_address: 100

            """))
        try daemon.addUser("ada", password: "pw")
        let access = try XCTUnwrap(try daemon.tcp().post("/api/token/", json: #"{"username":"ada","password":"pw"}"#)
            .json["access"] as? String)
        var flood: [RawHTTPClient] = []
        for index in 0..<150 {
            guard let client = try? RawHTTPClient(.tcp(host: "127.0.0.1", port: daemon.port)) else { continue }
            if index % 2 == 0 {   // a slow reader: pipelines and never reads
                try? client.sendWithoutWaiting(String(repeating: "OPTIONS /api/token/ HTTP/1.1\r\nHost: x\r\n\r\n", count: 500))
            }
            flood.append(client)
        }
        let verify = try jsonString(["token": access])
        XCTAssertEqual(try daemon.unix().post("/api/token/verify/", json: verify).status, 200, "Unix socket")
        let second = try RawHTTPClient(.tcp(host: "127.0.0.1", port: daemon.port), source: "127.0.0.2")
        XCTAssertEqual(try second.post("/api/token/verify/", json: verify).status, 200, "a second address")
        XCTAssertTrue(daemon.isRunning)
        _ = flood
    }
}

/// `passwords.hasher: argon2` (or bcrypt_sha256) through the daemon: new passwords get Django's format and default
/// costs, and a user imported with an md5 hash is rehashed with the configured hasher at the next login.
final class HasherDaemonTests: XCTestCase {
    func testArgon2ForNewPasswordsAndMD5RehashedAtLogin() throws {
        let daemon = try DaemonFixture(.init(startServer: false))
        let yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try yaml.replacingOccurrences(of: "  iterations: 1000", with: "  hasher: argon2")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()
        try daemon.addUser("ada", password: "pw")
        // Django's MD5PasswordHasher: md5("salt" + "pw").
        let imported = #"[{"model":"auth.user","pk":7,"fields":{"username":"old","password":"md5$salt$963e2232fa95666443f1ee9ffcdceda0","#
            + #""is_active":true,"is_staff":false,"is_superuser":false,"first_name":"","last_name":"","email":"","#
            + #""last_login":null,"date_joined":"2020-01-01T00:00:00Z"}}]"#
        let importResult = daemon.cli(["user", "import", "-"], stdin: imported)
        XCTAssertEqual(importResult.status, 0, importResult.stderr)
        let client = try daemon.tcp()
        XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"ada","password":"pw"}"#).status, 200)
        XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"old","password":"pw"}"#).status, 200)
        let hashes = try storedHashes(daemon)
        XCTAssertTrue(hashes["ada"]?.hasPrefix("argon2$argon2id$v=19$m=102400,t=2,p=8$") == true, "\(hashes)")
        XCTAssertTrue(hashes["old"]?.hasPrefix("argon2$argon2id$") == true, "md5 is rehashed at login: \(hashes)")
    }

    private func storedHashes(_ daemon: DaemonFixture) throws -> [String: String] {
        let script = "import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); "
            + "print(json.dumps(dict(c.execute('select username, password from users').fetchall())))"
        let out = try TestProcess.run(ProcessInfo.processInfo.environment["AUTHD_TEST_PYTHON"] ?? "python3",
                                      ["-c", script, daemon.directory + "/authd.sqlite3"])
        return try JSONSerialization.jsonObject(with: Data(out.stdout)) as? [String: String] ?? [:]
    }
}
