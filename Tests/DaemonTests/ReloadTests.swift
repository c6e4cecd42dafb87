import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP reloads settings and keys: atomically under load, never on invalid settings, and restart-only changes
/// are reported, not applied.
final class ReloadTests: XCTestCase {
    /// The rotation runbook under a bounded verify/refresh load: add the next key, reload, switch signing (and the
    /// lifetimes), reload. No request may fail; new tokens carry the new kid and lifetime; tokens signed with the
    /// old key keep verifying.
    func testSigningKeyAndLifetimesChangeUnderLoadWithoutAFailedRequest() throws {
        let daemon = try DaemonFixture(.init(algorithm: "ES256", simpleJWT: ["ACCESS_TOKEN_LIFETIME": "5m"]))
        try daemon.addUser("alice", password: "pw")
        let obtained = try daemon.tcp().request("POST", "/api/token/", body: "username=alice&password=pw",
                                                contentType: "application/x-www-form-urlencoded")
        XCTAssertEqual(obtained.status, 200, obtained.text)
        let oldAccess = try XCTUnwrap(obtained.json["access"] as? String)
        let refresh = try XCTUnwrap(obtained.json["refresh"] as? String)
        let oldKid = try XCTUnwrap(JWTParts(oldAccess).header["kid"] as? String)

        let load = BoundedLoad(daemon: daemon, access: oldAccess, refresh: refresh, connections: 4)
        XCTAssertTrue(waitUntil(timeout: 20) { load.completed >= 200 }, "the load runs before the first reload")

        // 1. The next key verifies (and is published) before it signs.
        let next = daemon.directory + "/next.key"
        XCTAssertEqual(DaemonFixture.run(["keys", "generate", "--algorithm", "ES256", "--out", next]).status, 0)
        try daemon.editSettings(append: "keys:\n  verifying:\n    - file: \(next).pub\n")
        try daemon.reload()
        let published = try daemon.tcp().request("GET", "/.well-known/jwks.json")
        let kids = (published.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
        XCTAssertEqual(kids.count, 2, published.text)
        XCTAssertEqual(kids.first, oldKid, "the signing key is still the old one")
        let newKid = try XCTUnwrap(kids.last)

        // 2. Switch signing to the next key (the old one stays as verify-only) and change the access lifetime.
        let completedBefore = load.completed
        try daemon.editSettings(replacing: "SIGNING_KEY_FILE: \(daemon.keyPath)", with: "SIGNING_KEY_FILE: \(next)")
        try daemon.editSettings(replacing: "ACCESS_TOKEN_LIFETIME: 5m", with: "ACCESS_TOKEN_LIFETIME: 10m")
        try daemon.editSettings(replacing: "    - file: \(next).pub\n", with: "    - file: \(daemon.keyPath).pub\n")
        let line = try daemon.reload()
        XCTAssertTrue(line.contains("kid \(newKid) (ES256) signing"), line)
        XCTAssertTrue(waitUntil(timeout: 20) { load.completed >= completedBefore + 200 }, "the load goes on after the swap")

        let summary = load.stop()
        XCTAssertEqual(summary.failures, [], "no request may fail across the reloads")
        XCTAssertGreaterThan(summary.completed, 400)
        XCTAssertTrue(summary.sawKid(newKid), "refreshes under load switched to the new key")

        let refreshed = try daemon.tcp().post("/api/token/refresh/", json: #"{"refresh":"\#(refresh)"}"#)
        let newAccess = try JWTParts(XCTUnwrap(refreshed.json["access"] as? String))
        XCTAssertEqual(newAccess.header["kid"] as? String, newKid)
        let lifetime = (newAccess.claims["exp"] as? Int ?? 0) - (newAccess.claims["iat"] as? Int ?? 0)
        XCTAssertEqual(lifetime, 600, "the new ACCESS_TOKEN_LIFETIME")
        XCTAssertEqual(try daemon.tcp().post("/api/token/verify/", json: #"{"token":"\#(oldAccess)"}"#).status, 200,
                       "a token of the retired key verifies while that key is listed")
        func forwardAuth(_ token: String) throws -> Int {
            try daemon.tcp().request("GET", "/api/token/auth/", headers: [("Authorization", "Bearer \(token)")]).status
        }
        XCTAssertEqual(try forwardAuth(oldAccess), 200, "forward auth too (and it now remembers the token as verified)")

        // 3. The old key is removed: its tokens stop verifying, the new key's keep working.
        try daemon.editSettings(replacing: "keys:\n  verifying:\n    - file: \(daemon.keyPath).pub\n", with: "")
        try daemon.reload()
        XCTAssertEqual(try daemon.tcp().post("/api/token/verify/", json: #"{"token":"\#(oldAccess)"}"#).status, 401)
        XCTAssertEqual(try forwardAuth(oldAccess), 401, "a token forward auth remembered is not trusted past its key")
        XCTAssertEqual(try daemon.tcp().post("/api/token/verify/", json: #"{"token":"\#(refreshed.json["access"] as? String ?? "")"}"#).status, 200)
    }

    func testInvalidSettingsKeepTheRunningOnesAndEveryErrorIsLoggedWithItsPosition() throws {
        let daemon = try DaemonFixture(.init(simpleJWT: ["ACCESS_TOKEN_LIFETIME": "5m"]))
        try daemon.addUser("alice", password: "pw")
        let original = try daemon.settingsText()
        try daemon.editSettings(replacing: "ACCESS_TOKEN_LIFETIME: 5m", with: "ACCESS_TOKEN_LIFETIME: 5 minutes",
                                append: "bogus_section: 1\n")
        let line = try daemon.reload(expectSuccess: false)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        let lifetimeLine = (lines.firstIndex { $0.contains("ACCESS_TOKEN_LIFETIME") } ?? 0) + 1
        XCTAssertTrue(daemon.log.contains("authd.yaml:\(lifetimeLine):3: SIMPLE_JWT.ACCESS_TOKEN_LIFETIME: expected a duration"),
                      daemon.log)
        XCTAssertTrue(daemon.log.contains("bogus_section: unknown key"), daemon.log)
        XCTAssertTrue(line.contains("previous settings keep serving"), line)
        XCTAssertTrue(daemon.log.contains("audit: reload succeeded=false"), "the audit log records the failed reload")

        // Still the old settings: 5-minute access tokens.
        let obtained = try daemon.unix().request("POST", "/api/token/", body: #"{"username":"alice","password":"pw"}"#)
        let access = try JWTParts(XCTUnwrap(obtained.json["access"] as? String))
        XCTAssertEqual((access.claims["exp"] as? Int ?? 0) - (access.claims["iat"] as? Int ?? 0), 300)

        // A missing key file is refused the same way, naming the setting.
        try daemon.writeSettings(original.replacingOccurrences(of: daemon.keyPath, with: daemon.directory + "/missing.key"))
        try daemon.reload(expectSuccess: false)
        XCTAssertTrue(daemon.log.contains("SIMPLE_JWT.SIGNING_KEY_FILE: cannot open"), daemon.log)
        XCTAssertEqual(try daemon.tcp().request("GET", "/healthz").status, 200)
    }

    func testRestartOnlySettingsAreReportedAndKept() throws {
        let daemon = try DaemonFixture(.init(simpleJWT: ["ACCESS_TOKEN_LIFETIME": "5m"]))
        try daemon.addUser("alice", password: "pw")
        try daemon.editSettings(replacing: "  - tcp: 127.0.0.1:0\n", with: "  - tcp: 127.0.0.1:1\n")
        try daemon.editSettings(replacing: "ACCESS_TOKEN_LIFETIME: 5m", with: "ACCESS_TOKEN_LIFETIME: 2m",
                                append: "security:\n  max_body_bytes: 4096\n")
        try daemon.reload()
        XCTAssertTrue(daemon.log.contains("reload: listen (addresses) changed; this needs a restart"), daemon.log)
        XCTAssertTrue(daemon.log.contains("reload: security.max_body_bytes changed; this needs a restart"), daemon.log)
        XCTAssertTrue(daemon.log.contains("audit: reload succeeded=true detail=\"needs a restart: listen (addresses)"),
                      daemon.log)
        // The listeners stay; the rest of the new settings serves.
        let obtained = try daemon.tcp().request("POST", "/api/token/", body: #"{"username":"alice","password":"pw"}"#)
        let access = try JWTParts(XCTUnwrap(obtained.json["access"] as? String))
        XCTAssertEqual((access.claims["exp"] as? Int ?? 0) - (access.claims["iat"] as? Int ?? 0), 120)
        XCTAssertEqual(daemon.stop(), 0, "SIGTERM after reloads still drains and exits 0")
    }
}

/// Client threads, each on its own keep-alive TCP connection, alternating verify of a fixed access token and a
/// refresh (whose new access token is verified too), until `stop()`; bounded by a 60 s deadline in any case.
final class BoundedLoad: @unchecked Sendable {
    struct Summary {
        var completed: Int
        var failures: [String]
        var kids: Set<String>
        func sawKid(_ kid: String) -> Bool { kids.contains(kid) }
    }

    private let lock = NSLock()
    private var summary = Summary(completed: 0, failures: [], kids: [])
    private var stopping = false
    private let group = DispatchGroup()

    init(daemon: DaemonFixture, access: String, refresh: String, connections: Int) {
        let port = daemon.port
        let deadline = Date().addingTimeInterval(60)
        for _ in 0..<connections {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                let client: RawHTTPClient
                do {
                    client = try RawHTTPClient(.tcp(host: "127.0.0.1", port: port))
                } catch {
                    lock.withLock { summary.failures.append("connect: \(error)") }
                    return
                }
                while !isStopping, Date() < deadline {
                    do {
                        let verified = try client.post("/api/token/verify/", json: #"{"token":"\#(access)"}"#)
                        record(verified, "verify")
                        let refreshed = try client.post("/api/token/refresh/", json: #"{"refresh":"\#(refresh)"}"#)
                        record(refreshed, "refresh")
                        guard let fresh = refreshed.json["access"] as? String else { continue }
                        let kid = (try? JWTParts(fresh))?.header["kid"] as? String
                        let again = try client.post("/api/token/verify/", json: #"{"token":"\#(fresh)"}"#)
                        record(again, "verify of a fresh token", kid: kid)
                    } catch {
                        lock.withLock { summary.failures.append("\(error)") }
                        return
                    }
                }
            }
        }
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    var completed: Int { lock.withLock { summary.completed } }

    private func record(_ response: RawHTTPClient.Response, _ what: String, kid: String? = nil) {
        lock.withLock {
            summary.completed += 1
            if let kid { summary.kids.insert(kid) }
            if response.status != 200 { summary.failures.append("\(what): \(response.status) \(response.text)") }
        }
    }

    func stop() -> Summary {
        lock.withLock { stopping = true }
        group.wait()
        return lock.withLock { summary }
    }
}

/// What systemd hears: READY=1, then RELOADING=1 with MONOTONIC_USEC and READY=1 again around a SIGHUP.
final class ReloadNotifyTests: XCTestCase {
    static let launcher = #"""
import json, os, signal, socket, sys, time
binary, config, notify_path = sys.argv[1], sys.argv[2], sys.argv[3]
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(20)
pid = os.fork()
if pid == 0:
    os.execve(binary, [binary, "serve", "--config", config], dict(os.environ, NOTIFY_SOCKET=notify_path))
messages = [notify.recv(4096).decode()]
before = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
os.kill(pid, signal.SIGHUP)
messages.append(notify.recv(4096).decode())
messages.append(notify.recv(4096).decode())
after = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
os.kill(pid, signal.SIGTERM)
messages.append(notify.recv(4096).decode())
_, status = os.waitpid(pid, 0)
print(json.dumps({"messages": messages, "before": before, "after": after, "exit": os.waitstatus_to_exitcode(status)}))
"""#

    func testReloadIsAnnouncedToSystemd() throws {
        let daemon = try DaemonFixture(.init(startServer: false))
        let script = "import sys; sys.argv = ['l', '\(DaemonFixture.binary)', '\(daemon.configPath)', "
            + "'\(daemon.directory)/notify']\n" + Self.launcher
        let result = try Python.run(script: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                   result.stdout + result.stderr)
        let messages = try XCTUnwrap(report["messages"] as? [String])
        XCTAssertEqual(messages.count, 4)
        XCTAssertEqual(messages.first, "READY=1")
        let reloading = messages[1].split(separator: "\n")
        XCTAssertEqual(reloading.first, "RELOADING=1", messages[1])
        let usec = Int(reloading.last?.split(separator: "=").last ?? "") ?? -1
        let before = report["before"] as? Int ?? 0, after = report["after"] as? Int ?? 0
        XCTAssertTrue((before...after).contains(usec), "MONOTONIC_USEC=\(usec) is CLOCK_MONOTONIC in µs (\(before)…\(after))")
        XCTAssertEqual(messages[2], "READY=1")
        XCTAssertEqual(messages[3], "STOPPING=1")
        XCTAssertEqual(report["exit"] as? Int, 0)
    }
}
