import Foundation
import TestSupport
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
        var generator = SplitMix64.forTest(defaultSeed: 0x5EED_DAE1)
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
            let path = ["/api/token/", "/api/token/refresh/", "/api/token/verify/"].randomElement(using: &generator)!
            let response = try client.post(path, json: body)
            XCTAssertTrue([400, 401].contains(response.status), "\(response.status): \(path) \(body); \(generator.replay)")
        }
        XCTAssertTrue(daemon.isRunning, "after random bytes, \(generator.replay):\n\(daemon.log)")
        let ok = try daemon.tcp().post("/api/token/", json: #"{"username":"una","password":"pw"}"#)
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(daemon.stop(), 0, "SIGTERM exits 0")
        XCTAssertFalse(daemon.log.contains("<3>"), "no error was logged:\n\(daemon.log)")
    }

    /// Every acknowledged rotation survives kill -9 — and was fsynced before it was acknowledged. A kill -9 alone
    /// cannot tell `synchronous=FULL` from `OFF` (the kernel keeps what was written; only power loss loses it), so the
    /// daemon runs with an fsync tracer: between sending each refresh and reading its 200 the log must show the
    /// database's write-ahead log synced.
    func testAcknowledgedRotationsAreSyncedAndSurviveKill9() throws {
        let scratch = try TemporaryDirectory(prefix: "authd-sync-trace")
        let trace = try SyncTrace(in: scratch)
        let daemon = try DaemonFixture(.init(simpleJWT: ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true",
                                                         "ACCESS_TOKEN_LIFETIME": "1h"],
                                             environment: trace.environment))
        try daemon.addUser("vic", password: "pw")
        let client = try daemon.tcp()
        let pair = try client.post("/api/token/", json: #"{"username":"vic","password":"pw"}"#)
        var refresh = try XCTUnwrap(pair.json["refresh"] as? String)
        var history: [String] = [refresh]
        for n in 0..<20 {
            try trace.mark("sent \(n)")
            let rotated = try client.post("/api/token/refresh/", json: try jsonString(["refresh": refresh]))
            try trace.mark("answered \(n)")
            XCTAssertEqual(rotated.status, 200)
            refresh = try XCTUnwrap(rotated.json["refresh"] as? String)
            history.append(refresh)
        }
        let wal = daemon.directory + "/authd.sqlite3-wal"
        let lines = try trace.lines()
        for n in 0..<20 {
            let sent = try XCTUnwrap(lines.firstIndex(of: "mark sent \(n)"))
            let answered = try XCTUnwrap(lines.firstIndex(of: "mark answered \(n)"))
            let synced = lines[sent..<answered].contains { $0 == "fsync \(wal)" || $0 == "fdatasync \(wal)" }
            XCTAssertTrue(synced, "rotation \(n) was acknowledged before \(wal) was synced:\n"
                          + lines[sent...answered].joined(separator: "\n"))
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
        XCTAssertTrue(daemon.waitForLog("reused after rotation"), daemon.log)
    }

    /// A client that closes with responses still in flight costs the daemon an EPIPE, never its life (SIGPIPE).
    func testClientClosingMidResponseDoesNotKillTheDaemon() throws {
        let daemon = try DaemonFixture()
        let pid = try XCTUnwrap(daemon.pid)
        let idleSockets = try openSockets(of: pid)
        // OPTIONS answers are large (DRF metadata), and 4,000 of them take the daemon a while to make: each client
        // closes as soon as its requests are sent, so the daemon goes on answering a connection that is gone (the
        // kernel resets it) and its next send fails with EPIPE.
        let request = "OPTIONS /api/token/ HTTP/1.1\r\nHost: x\r\n\r\n"
        for _ in 0..<10 {
            try daemon.tcp().send(String(repeating: request, count: 4000))
        }
        // The daemon is done with those writes once it has closed all ten connections (or once it died of them).
        let settled = try waitUntil(timeout: 20) { try !daemon.isRunning || openSockets(of: pid) == idleSockets }
        XCTAssertTrue(daemon.isRunning, daemon.log)
        XCTAssertTrue(settled, "the daemon still holds \((try? openSockets(of: pid)) ?? -1) sockets, \(idleSockets) when idle")
        XCTAssertEqual(try daemon.tcp().request("GET", "/healthz").status, 200)
        XCTAssertEqual(daemon.stop(), 0)
    }

    /// How many sockets process `pid` has open (listeners and connections).
    private func openSockets(of pid: Int32) throws -> Int {
        let folder = "/proc/\(pid)/fd"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0))?.hasPrefix("socket:") == true
        }.count
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

    /// The README's run command: `authd serve --dev` in an empty folder creates its state and serves on
    /// 127.0.0.1:8000 and on state/authd.sock. The port is fixed, and another test run on this machine may hold it
    /// for a moment: the test waits for it to be free (and starts again in a new empty folder if another process
    /// binds it first). It fails, naming the port, if the port stays taken; it never passes without its checks.
    func testDevelopmentModeCreatesItsState() throws {
        let deadline = Date().addingTimeInterval(60)
        var started: (folder: TemporaryDirectory, server: TestProcess.Running)?
        while started == nil {
            guard waitUntil(timeout: max(0, deadline.timeIntervalSinceNow), { Self.isFree(port: 8000) }) else {
                return XCTFail("127.0.0.1:8000 stayed in use for 60 s, and `authd serve --dev` needs it: stop what "
                               + "listens there (`ss -ltnp 'sport = :8000'` names it) and run the test again")
            }
            let folder = try TemporaryDirectory(prefix: "authd-dev")
            let server = try TestProcess.start(DaemonFixture.binary, ["serve", "--dev"], currentDirectory: folder.path)
            if server.wait(timeout: 15, until: { $0.stderr.contains("ready") }) {
                started = (folder, server)
            } else {
                server.signal(SIGKILL)
                server.waitUntilExit()
                let log = server.state.stderr
                // Lost a race for the port to another process: wait for it again, in a new empty folder.
                guard log.contains("127.0.0.1:8000 is already in use"), Date() < deadline else {
                    return XCTFail("authd serve --dev did not start:\n\(log)")
                }
            }
        }
        let (folder, server) = started!
        defer {
            server.signal(SIGTERM)
            server.waitUntilExit()
        }
        let log = server.state.stderr
        XCTAssertTrue(log.contains("listening on 127.0.0.1:8000"), log)
        for (file, mode) in [("state/signing.key", 0o600), ("state/authd.yaml", 0o600), ("state/authd.sqlite3", 0o600)] {
            var info = stat()
            XCTAssertEqual(stat(folder.file(file), &info), 0, file)
            XCTAssertEqual(Int(info.st_mode & 0o777), mode, file)
        }
        XCTAssertTrue(log.contains("user add"), "it tells how to add a user:\n\(log)")
        let add = DaemonFixture.run(["user", "add", "dev", "--password-stdin", "--config", folder.file("state/authd.yaml")],
                                    stdin: "pw\n")
        XCTAssertEqual(add.status, 0, add.stderr)
        let pair = try RawHTTPClient(.unix(path: folder.file("state/authd.sock")))
            .post("/api/token/", json: #"{"username":"dev","password":"pw"}"#)
        XCTAssertEqual(pair.status, 200, pair.text)
        // TCP port 8000, as in the README's curl line: this daemon holds it (nothing else can listen there now) and
        // accepts the token it just issued.
        let verify = try RawHTTPClient(.tcp(host: "127.0.0.1", port: 8000))
            .post("/api/token/verify/", json: try jsonString(["token": pair.json["access"] as? String ?? ""]))
        XCTAssertEqual(verify.status, 200, verify.text)
    }

    /// Whether a listener could bind 127.0.0.1:`port` now (SO_REUSEADDR, as authd binds).
    private static func isFree(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
