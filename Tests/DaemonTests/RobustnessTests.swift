import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Bad input never crashes or hangs the daemon; what it acknowledged survives `kill -9`; SIGTERM exits 0.
final class RobustnessTests: XCTestCase {
    func testGarbageNeverCrashesOrHangsTheDaemon() throws {
        // A short request timeout: incomplete requests below are answered 408 quickly instead of after 10 s.
        let daemon = try DaemonFixture(.init(extraYAML: "security:\n  request_timeout: 1s\n"))
        try daemon.addUser("una", password: "pw")
        var generator = SystemRandomNumberGenerator()
        let samples: [String] = [
            "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST /api/token/ HTTP/1.1\r\nHost: x\r\n Folded: header\r\n\r\n",
            "POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nContent-Length: 11\r\n\r\n",
            "POST /api/token/ HTTP/1.1\r\nHost: x\rBad: cr\r\n\r\n",
            "POST /api/token/ HTTP/1.1\r\nHo st: x\r\n\r\n",
            "POST /api/token/verify/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"token\":\"\u{0}\u{1}\u{2}\",\"token\":[[[[[[[[[[",
            "POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\nContent-Length: 12\r\n\r\n--zz\r\n\r\n\r\n",
            "POST /api/token/refresh/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"refresh\":\"a.b.c.d.e.f\"}",
            "\u{16}\u{3}\u{1}\u{2}\u{0}\u{1}\u{0}\u{1}\u{fc}\u{3}\u{3}",   // a TLS ClientHello on the plain port
        ]
        for sample in samples {
            let client = try daemon.tcp()
            try client.send(sample)
            if let response = try? client.readResponse() {
                XCTAssertTrue((400..<500).contains(response.status) || response.status == 505,
                              "\(response.status) for \(sample.debugDescription)")
                XCTAssertNotNil(response.json["detail"] ?? response.json["token"] ?? response.json["refresh"],
                                response.text)
            }
        }
        for _ in 0..<200 {
            let client = try daemon.tcp()
            let length = Int.random(in: 1...600, using: &generator)
            try? client.send((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        for _ in 0..<50 {   // valid requests with random JSON-ish bodies
            let client = try daemon.tcp()
            let body = String((0..<Int.random(in: 0...200, using: &generator)).map { _ in
                Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &generator)))
            })
            let response = try client.post(["/api/token/", "/api/token/refresh/", "/api/token/verify/"].randomElement()!,
                                           json: body)
            XCTAssertTrue([400, 401].contains(response.status), "\(response.status): \(body)")
        }
        XCTAssertTrue(daemon.isRunning)
        let ok = try daemon.tcp().post("/api/token/", json: #"{"username":"una","password":"pw"}"#)
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(daemon.stop(), 0, "SIGTERM exits 0")
        XCTAssertFalse(daemon.log.contains("<3>"), "no error was logged:\n\(daemon.log)")
    }

    func testAcknowledgedRotationsSurviveKill9() throws {
        let daemon = try DaemonFixture(.init(simpleJWT: ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true",
                                                         "ACCESS_TOKEN_LIFETIME": "1h"]))
        try daemon.addUser("vic", password: "pw")
        let client = try daemon.tcp()
        let pair = try client.post("/api/token/", json: #"{"username":"vic","password":"pw"}"#)
        var refresh = try XCTUnwrap(pair.json["refresh"] as? String)
        var history: [String] = [refresh]
        for _ in 0..<20 {
            let rotated = try client.post("/api/token/refresh/", json: try jsonString(["refresh": refresh]))
            XCTAssertEqual(rotated.status, 200)
            refresh = try XCTUnwrap(rotated.json["refresh"] as? String)
            history.append(refresh)
        }
        daemon.stop(signal: SIGKILL)
        try daemon.start()
        let fresh = try daemon.tcp()
        // Every acknowledged rotation is durable: the 20 older tokens are blacklisted...
        let old = try fresh.post("/api/token/verify/", json: try jsonString(["token": history[10]]))
        XCTAssertEqual(old.status, 400)
        XCTAssertEqual(old.text, #"{"non_field_errors":["Token is blacklisted"]}"#)
        // ...and the newest one is still good (reusing the old one above was a verify, not a refresh).
        let last = try fresh.post("/api/token/refresh/", json: try jsonString(["refresh": refresh]))
        XCTAssertEqual(last.status, 200, last.text)
    }

    func testReusingARotatedTokenRevokesItsFamily() throws {
        let daemon = try DaemonFixture(.init(simpleJWT: ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true"],
                                             extraYAML: "security:\n  refresh_reuse_grace: 0s\n"))
        try daemon.addUser("wes", password: "pw")
        let client = try daemon.tcp()
        let stolen = try XCTUnwrap(try client.post("/api/token/", json: #"{"username":"wes","password":"pw"}"#).json["refresh"] as? String)
        let legit = try XCTUnwrap(try client.post("/api/token/refresh/", json: try jsonString(["refresh": stolen])).json["refresh"] as? String)
        let reuse = try client.post("/api/token/refresh/", json: try jsonString(["refresh": stolen]))
        XCTAssertEqual(reuse.status, 401)
        let afterReuse = try client.post("/api/token/refresh/", json: try jsonString(["refresh": legit]))
        XCTAssertEqual(afterReuse.status, 401, "the whole family is revoked once a rotated token is replayed")
        XCTAssertEqual(afterReuse.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
        XCTAssertTrue(daemon.log.contains("reused after rotation"), daemon.log)
    }

    /// A client that closes with responses still in flight costs the daemon an EPIPE, never its life (SIGPIPE).
    func testClientClosingMidResponseDoesNotKillTheDaemon() throws {
        let daemon = try DaemonFixture()
        // OPTIONS answers are large (DRF metadata): 4,000 of them fill the socket buffers, so the daemon is
        // waiting to write more when the client closes with everything unread and the kernel resets the connection.
        let request = "OPTIONS /api/token/ HTTP/1.1\r\nHost: x\r\n\r\n"
        for _ in 0..<10 {
            let client = try daemon.tcp()
            try client.send(String(repeating: request, count: 4000))
            usleep(20_000)
        }
        usleep(200_000)
        XCTAssertTrue(daemon.isRunning, daemon.log)
        XCTAssertEqual(try daemon.tcp().request("GET", "/healthz").status, 200)
        XCTAssertEqual(daemon.stop(), 0)
    }

    /// A live daemon owns its Unix socket: a second one refuses to start; after a crash the stale file is replaced.
    func testLiveSocketIsRefusedAndStaleSocketReplaced() throws {
        let daemon = try DaemonFixture()
        let second = daemon.cli(["serve"])
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.contains(daemon.socketPath), second.stderr)
        XCTAssertEqual(try daemon.unix().request("GET", "/healthz").status, 200, "the first daemon keeps serving")

        daemon.stop(signal: SIGKILL)   // leaves the socket file behind
        XCTAssertTrue(FileManager.default.fileExists(atPath: daemon.socketPath))
        try daemon.start()
        XCTAssertEqual(try daemon.unix().request("GET", "/healthz").status, 200)
    }

    /// The README's run command: `authd serve --dev` in an empty folder creates its state and serves.
    func testDevelopmentModeCreatesItsState() throws {
        let dir = NSTemporaryDirectory() + "authd-dev-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DaemonFixture.binary)
        process.arguments = ["serve", "--dev"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let log = LockedBuffer()
        let pipe = Pipe()
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { log.append($0.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(15)
        while !log.text.contains("ready"), process.isRunning, Date() < deadline { usleep(20_000) }
        guard log.text.contains("ready") else {
            // Port 8000 may be taken on a shared machine; the message must then say so clearly.
            XCTAssertTrue(log.text.contains("8000"), log.text)
            return
        }
        for (file, mode) in [("state/signing.key", 0o600), ("state/authd.yaml", 0o600), ("state/authd.sqlite3", 0o600)] {
            var info = stat()
            XCTAssertEqual(stat(dir + "/" + file, &info), 0, file)
            XCTAssertEqual(Int(info.st_mode & 0o777), mode, file)
        }
        XCTAssertTrue(log.text.contains("user add"), "it tells how to add a user:\n\(log.text)")
        let add = DaemonFixture.run(["user", "add", "dev", "--password-stdin", "--config", dir + "/state/authd.yaml"],
                                    stdin: "pw\n")
        XCTAssertEqual(add.status, 0, add.stderr)
        let client = try RawHTTPClient(.unix(path: dir + "/state/authd.sock"))
        let response = try client.post("/api/token/", json: #"{"username":"dev","password":"pw"}"#)
        XCTAssertEqual(response.status, 200, response.text)
    }
}
