import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Two real `authd serve` processes sharing one PostgreSQL schema (and one signing key), as two hosts behind a load
/// balancer would: what one does, the other honours at once.
final class MultiInstanceTests: XCTestCase {
    private var schema: PostgresTestSchema!

    override func setUpWithError() throws {
        schema = try PostgresTestSchema.forTest { XCTSkip($0) }
    }

    override func tearDown() {
        schema = nil
    }

    private static let rotation = ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true",
                                   "ACCESS_TOKEN_LIFETIME": "1h"]

    /// Whether the instances' connections ask the server for `synchronous_commit = off`.
    private var asynchronousCommit = false

    private var storeYAML: String {
        """
          postgres:
            url: "\(schema.url)"
            schema: \(schema.name)
            timeout: 2s\(asynchronousCommit ? "\n    options: \"-c synchronous_commit=off\"" : "")
        """
    }

    /// `count` daemons on the test schema with the first one's signing key; `alice` (password `pw`) exists.
    private func instances(_ count: Int = 2, extraYAML: String = "") throws -> [DaemonFixture] {
        let first = try DaemonFixture(.init(simpleJWT: Self.rotation, extraYAML: extraYAML, store: storeYAML))
        try first.addUser("alice", password: "pw")
        var all = [first]
        for _ in 1..<count {
            var shared = Self.rotation
            shared["SIGNING_KEY_FILE"] = first.keyPath
            all.append(try DaemonFixture(.init(simpleJWT: shared, extraYAML: extraYAML, store: storeYAML)))
        }
        return all
    }

    private func obtain(_ daemon: DaemonFixture, user: String = "alice") throws -> (access: String, refresh: String) {
        let pair = try daemon.tcp().post("/api/token/", json: try jsonString(["username": user, "password": "pw"]))
        XCTAssertEqual(pair.status, 200, pair.text)
        return (try XCTUnwrap(pair.json["access"] as? String), try XCTUnwrap(pair.json["refresh"] as? String))
    }

    private func refresh(_ token: String, on daemon: DaemonFixture) throws -> RawHTTPClient.Response {
        try daemon.tcp().post("/api/token/refresh/", json: try jsonString(["refresh": token]))
    }

    func testSixteenConcurrentRefreshesOverTwoInstancesRotateExactlyOnce() throws {
        let daemons = try instances()
        let pair = try obtain(daemons[0])
        // Every request is written before any answer is read, so they race inside both daemons at once.
        let next = try RawHTTPClient.raceRefresh(try (0..<16).map { try daemons[$0 % 2].tcp() }, token: pair.refresh)
        // The racing duplicates were within the grace window: the winner's token works on either instance.
        XCTAssertEqual(try refresh(next, on: daemons[1]).status, 200)
    }

    func testARotatedTokenReplayedOnTheOtherInstanceRevokesTheFamily() throws {
        let daemons = try instances(extraYAML: "security:\n  refresh_reuse_grace: 0s\n")
        let stolen = try obtain(daemons[0]).refresh
        let rotated = try refresh(stolen, on: daemons[0])
        XCTAssertEqual(rotated.status, 200)
        let legit = try XCTUnwrap(rotated.json["refresh"] as? String)
        let replay = try refresh(stolen, on: daemons[1])
        XCTAssertEqual(replay.status, 401)
        for daemon in daemons {
            let after = try refresh(legit, on: daemon)
            XCTAssertEqual(after.status, 401, "the family is revoked for every instance")
            XCTAssertEqual(after.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
        }
        XCTAssertTrue(daemons[1].waitForLog("reused after rotation"), daemons[1].log)
    }

    func testLogoutOnOneInstanceIsHonouredAtOnceByTheOther() throws {
        let daemons = try instances()
        let pair = try obtain(daemons[0])
        let logout = try daemons[1].tcp().post("/api/token/blacklist/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(logout.status, 200, logout.text)
        // No wait: the blacklist row is committed before the logout is answered, and the other instance reads it.
        let after = try refresh(pair.refresh, on: daemons[0])
        XCTAssertEqual(after.status, 401)
        XCTAssertEqual(after.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
        let verify = try daemons[0].tcp().post("/api/token/verify/", json: try jsonString(["token": pair.refresh]))
        XCTAssertEqual(verify.status, 400)
        XCTAssertEqual(verify.text, #"{"non_field_errors":["Token is blacklisted"]}"#)
        // Users are shared too: deactivated through one instance's CLI, refused by the other's refresh.
        let second = try obtain(daemons[0])
        XCTAssertEqual(daemons[1].cli(["user", "deactivate", "alice"]).status, 0)
        XCTAssertEqual(try refresh(second.refresh, on: daemons[0]).status, 401)
    }

    /// PostgreSQL crashes (immediate shutdown: no checkpoint, recovery from its WAL) while two instances rotate
    /// tokens: requests that need it answer 503 with Retry-After, never 500 and never hang; verify keeps answering
    /// (it needs no store); both instances recover by themselves; no acknowledged rotation is lost. The connection
    /// asks for asynchronous commit (which acknowledges before the WAL is flushed): authd must not accept that.
    func testDatabaseCrashUnderLoadGives503sThenRecoversAndLosesNothingAcknowledged() throws {
        asynchronousCommit = true
        let daemons = try instances()
        for user in ["bob", "carol", "dave"] { try daemons[0].addUser(user, password: "pw") }
        let access = try obtain(daemons[1]).access
        let load = RotationLoad(daemons: daemons, clientsPerDaemon: 4, users: ["alice", "bob", "carol", "dave"], password: "pw")
        XCTAssertTrue(load.waitForAcknowledged(200), "the load did not get going: \(load.statuses)")

        try PostgresTestServer.control("crash")
        // Whatever happens below, the cluster is up again for the tests after this one.
        defer { try? PostgresTestServer.control("start-only") }
        let before = load.acknowledgedCount
        XCTAssertTrue(waitUntil(timeout: 10) { (load.statuses[503] ?? 0) >= 20 }, "no 503 while the database is down: \(load.statuses)")
        for daemon in daemons {
            let started = Date()
            let verify = try daemon.tcp().post("/api/token/verify/", json: try jsonString(["token": access]))
            XCTAssertEqual(verify.status, 200, "verify needs no store: \(verify.text)")
            let obtain = try daemon.tcp().post("/api/token/", json: #"{"username":"alice","password":"pw"}"#)
            XCTAssertEqual(obtain.status, 503, obtain.text)
            XCTAssertNotNil(obtain.header("Retry-After"))
            let health = try daemon.tcp().request("GET", "/healthz")
            XCTAssertEqual(health.status, 503, "a load balancer takes the instance out: \(health.text)")
            XCTAssertTrue(health.text.contains(#""store":"unavailable""#), health.text)
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "answers while the database is down are quick")
        }
        XCTAssertLessThanOrEqual(load.acknowledgedCount - before, 8, "rotations acknowledged while the database is down")

        try PostgresTestServer.control("start-only")
        let restarted = load.acknowledgedCount
        XCTAssertTrue(load.waitForAcknowledged(restarted + 200), "no recovery after the restart: \(load.statuses)")
        let report = load.stop()

        XCTAssertEqual(report.unexpected, [])
        XCTAssertNil(report.statuses[500])
        XCTAssertEqual(report.unavailableWithoutRetryAfter, 0)
        XCTAssertEqual(report.disconnected, 0)
        XCTAssertEqual(try lostRotations(report.acknowledged, schema: schema), [])
        for daemon in daemons { XCTAssertTrue(daemon.isRunning) }
        XCTAssertEqual(try daemons[0].tcp().request("GET", "/healthz").status, 200, "healthy again once the database is back")
    }

    /// `kill -9` of one instance under load: every rotation it acknowledged is in the database, and the other
    /// instance goes on serving.
    func testKillDashNineOfAnInstanceUnderLoadLosesNoAcknowledgedRotation() throws {
        let daemons = try instances()
        for user in ["bob", "carol", "dave"] { try daemons[0].addUser(user, password: "pw") }
        let load = RotationLoad(daemons: daemons, clientsPerDaemon: 4, users: ["alice", "bob", "carol", "dave"], password: "pw")
        XCTAssertTrue(load.waitForAcknowledged(300), "the load did not get going: \(load.statuses)")
        daemons[0].stop(signal: SIGKILL)
        let afterKill = load.acknowledgedCount
        XCTAssertTrue(load.waitForAcknowledged(afterKill + 100), "the other instance stopped too: \(load.statuses)")
        let report = load.stop()
        XCTAssertEqual(report.disconnected, 4, "the killed instance's clients lost their connections")
        XCTAssertEqual(report.unexpected, [])
        XCTAssertEqual(try lostRotations(report.acknowledged, schema: schema), [])
        // The killed instance starts again on the same database and serves the chains it was rotating.
        try daemons[0].start()
        XCTAssertEqual(try refresh(try obtain(daemons[0], user: "bob").refresh, on: daemons[1]).status, 200)
    }

    /// An SQLite installation moves to PostgreSQL with `authd store copy` and keeps everything: users (ids and
    /// password hashes), groups, the tokens it issued, their rotation chains and the blacklist.
    func testStoreCopyMovesASQLiteInstallationToPostgreSQL() throws {
        let old = try DaemonFixture(.init(simpleJWT: Self.rotation))
        try old.addUser("alice", password: "pw")
        XCTAssertEqual(old.cli(["group", "add", "web"]).status, 0)
        XCTAssertEqual(old.cli(["user", "groups", "alice", "--add", "web"]).status, 0)
        let first = try obtain(old)
        let rotated = try refresh(first.refresh, on: old)
        XCTAssertEqual(rotated.status, 200)
        let current = try XCTUnwrap(rotated.json["refresh"] as? String)
        let loggedOut = try obtain(old).refresh
        XCTAssertEqual(try old.tcp().post("/api/token/blacklist/", json: try jsonString(["refresh": loggedOut])).status, 200)
        old.stop()

        var shared = Self.rotation
        shared["SIGNING_KEY_FILE"] = old.keyPath
        let new = try DaemonFixture(.init(simpleJWT: shared, startServer: false, store: storeYAML))
        let copied = new.cli(["store", "copy", "--from-sqlite", old.directory + "/authd.sqlite3"])
        XCTAssertEqual(copied.status, 0, copied.stderr)
        XCTAssertTrue(copied.stdout.contains("users: 1 copied"), copied.stdout)
        XCTAssertTrue(copied.stdout.contains("tokens: 3 copied"), copied.stdout)  // first, its successor, the logged-out one
        let again = new.cli(["store", "copy", "--from-sqlite", old.directory + "/authd.sqlite3"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("users: 0 copied, 1 already there"), again.stdout)

        try new.start()
        XCTAssertEqual(try refresh(current, on: new).status, 200, "the newest token of the chain goes on")
        XCTAssertEqual(try refresh(first.refresh, on: new).status, 401, "a rotated token stays rotated")
        XCTAssertEqual(try refresh(loggedOut, on: new).status, 401, "a logged-out token stays blacklisted")
        XCTAssertEqual(try obtain(new).refresh.isEmpty, false, "the password hash came along")
        XCTAssertEqual(new.cli(["user", "groups", "alice"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines), "web")
        let missing = new.cli(["store", "copy", "--from-sqlite", old.directory + "/nothing.sqlite3"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no database there"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: old.directory + "/nothing.sqlite3"), "nothing is created")
    }

    /// `check-config` reaches the database and reads the schema version without creating anything; an unreachable
    /// database is an error that points at store.postgres, for check-config and serve alike.
    func testCheckConfigReachesTheDatabaseAndCreatesNothing() throws {
        let fixture = try DaemonFixture(.init(startServer: false, store: storeYAML))
        let checked = fixture.cli(["check-config"])
        XCTAssertEqual(checked.status, 0, checked.stderr)
        XCTAssertTrue(checked.stdout.contains("schema \(schema.name) (not created yet)"), checked.stdout)
        XCTAssertEqual(try PostgresTestServer.psql("SELECT count(*) FROM pg_namespace WHERE nspname = '\(schema.name)'",
                                                   url: schema.url), "0")

        let unreachable = try DaemonFixture(.init(startServer: false, store: """
              postgres:
                url: "postgresql://authd@/authd?host=/nonexistent-authd-socket-dir"
            """))
        for command in [["check-config"], ["serve"]] {
            let result = unreachable.cli(command)
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains("authd.yaml:9:3: store.postgres: cannot connect to PostgreSQL"), result.stderr)
        }
    }

    /// The password comes from `password_file` (the test cluster asks the role authd_pw for its password); a file
    /// other users can read is refused before anything connects.
    func testThePasswordFileAuthenticatesTheInstance() throws {
        let secrets = try TemporaryDirectory(prefix: "authd-db-pass")
        let password = try secrets.write("db.pass", "test-password\n", mode: 0o600)
        let store = """
              postgres:
                url: "\(schema.url)"
                user: authd_pw
                password_file: \(password)
                schema: \(schema.name)
            """
        let daemon = try DaemonFixture(.init(simpleJWT: Self.rotation, store: store))
        try daemon.addUser("alice", password: "pw")
        XCTAssertEqual(try obtain(daemon).refresh.isEmpty, false)
        XCTAssertTrue(daemon.log.contains("authd_pw@"), daemon.log)

        try secrets.write("db.pass", "wrong-password\n", mode: 0o600)
        let refused = daemon.cli(["check-config"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("password authentication failed"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("wrong-password"), "the password is never shown")
        try secrets.write("db.pass", "test-password\n", mode: 0o644)
        let loose = daemon.cli(["check-config"])
        XCTAssertEqual(loose.status, 1)
        XCTAssertTrue(loose.stderr.contains("is readable by other users"), loose.stderr)
    }

    /// The database hangs (another session holds a lock every rotation needs): refreshes answer 503 once the
    /// timeout (2 s here) has passed, never later and never a 500, and meanwhile verify answers at once on every
    /// event loop, because no event loop ever waits for the database.
    func testAHungDatabaseDelaysOnlyWhatNeedsItAndThenAnswers503() throws {
        let daemon = try instances(1)[0]
        let pair = try obtain(daemon)
        let holder = try TestProcess.start("psql", [schema.url, "-X", "-q", "-c", """
            BEGIN; LOCK TABLE "\(schema.name)".blacklisted_tokens IN EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;
            """])
        defer { holder.signal(SIGTERM) }
        XCTAssertTrue(try waitUntil(timeout: 10) {
            try PostgresTestServer.psql("""
                SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'blacklisted_tokens' AND c.relnamespace = '"\(schema.name)"'::regnamespace
                  AND l.mode = 'ExclusiveLock' AND l.granted
                """, url: schema.url) == "1"
        })
        let refreshing = try daemon.tcp()
        try refreshing.send("POST /api/token/refresh/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(try jsonString(["refresh": pair.refresh]).utf8.count)\r\n\r\n\(try jsonString(["refresh": pair.refresh]))")
        let started = Date()
        for _ in 0..<20 {
            let verify = try daemon.tcp().post("/api/token/verify/", json: try jsonString(["token": pair.access]))
            XCTAssertEqual(verify.status, 200)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5, "verify waited for the database")
        let stuck = try refreshing.readResponse()
        XCTAssertEqual(stuck.status, 503, stuck.text)
        XCTAssertNotNil(stuck.header("Retry-After"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the refresh waited longer than the timeout")
        holder.waitUntilExit()
        XCTAssertEqual(try refresh(pair.refresh, on: daemon).status, 200, "the rotation that timed out wrote nothing")
    }
}
