import Glibc
import Platform
import XCTest
@testable import LoadGenerator

/// The generator against a real server on real sockets. Durations are short; nothing here asserts on speed.
final class LoadGeneratorTests: XCTestCase {
    private func plan(_ server: TinyServer, path: String = "/", connections: Int = 4, duration: Double = 0.3) throws -> LoadPlan {
        let target = try server.unixPath.map { try LoadTarget.unix(path: $0) } ?? LoadTarget.tcp(host: "127.0.0.1", port: server.port)
        var plan = LoadPlan(target: target)
        plan.method = "POST"
        plan.path = path
        plan.connections = connections
        plan.threads = 2
        plan.duration = duration
        plan.headers = [("Content-Type", "application/json")]
        return plan
    }

    func testTCPLoadCyclesThroughEveryBodyAndCountsResponses() throws {
        let server = try TinyServer()
        defer { server.stop() }
        var plan = try plan(server)
        plan.bodies = [Array("alpha".utf8), Array("beta".utf8), Array("gamma".utf8)]
        let report = try LoadGenerator.run(plan)

        XCTAssertGreaterThan(report.responses, 0)
        XCTAssertEqual(report.errors, 0, report.firstError ?? "")
        XCTAssertEqual(report.statuses[200], report.responses)
        let bodies = server.bodies
        XCTAssertGreaterThanOrEqual(UInt64(bodies.count), report.responses)
        XCTAssertEqual(Set(bodies), ["alpha", "beta", "gamma"])
        XCTAssertEqual(report.connectionsOpened, 4)
        XCTAssertTrue(report.text.contains("result: rps="))
    }

    func testDistinctBodiesAreEachSentOnceBeforeAnyRepeats() throws {
        let server = try TinyServer()
        defer { server.stop() }
        var plan = try plan(server, duration: 0.2)
        plan.bodies = (0..<1_000_000).map { Array("token-\($0)".utf8) }
        let report = try LoadGenerator.run(plan)
        let bodies = server.bodies
        XCTAssertGreaterThan(bodies.count, 0)
        XCTAssertEqual(Set(bodies).count, bodies.count, "a body was sent twice")
        XCTAssertFalse(report.bodiesReused)
    }

    func testUnixSocketTarget() throws {
        let path = "/tmp/authd-loadgen-\(getpid()).sock"
        let server = try TinyServer(unixPath: path)
        defer { server.stop() }
        var plan = try plan(server)
        plan.bodies = [Array("{}".utf8)]
        let report = try LoadGenerator.run(plan)
        XCTAssertGreaterThan(report.responses, 0)
        XCTAssertEqual(report.errors, 0, report.firstError ?? "")
        XCTAssertEqual(Set(server.bodies), ["{}"])
    }

    func testUnacceptedStatusesAreErrorsAndAcceptedOnesAreNot() throws {
        let server = try TinyServer()
        defer { server.stop() }
        var plan = try plan(server, path: "/status/503")
        var report = try LoadGenerator.run(plan)
        XCTAssertGreaterThan(report.responses, 0)
        XCTAssertEqual(report.statuses[503], report.responses)
        XCTAssertEqual(report.errors, report.responses)

        plan.acceptedStatuses = [200, 503]
        report = try LoadGenerator.run(plan)
        XCTAssertGreaterThan(report.responses, 0)
        XCTAssertEqual(report.errors, 0)
    }

    func testConnectionCloseResponsesReconnect() throws {
        let server = try TinyServer()
        defer { server.stop() }
        let report = try LoadGenerator.run(try plan(server, path: "/close", connections: 2))
        XCTAssertGreaterThan(report.responses, 2)
        XCTAssertEqual(report.errors, 0, report.firstError ?? "")
        // Every answer closed its connection, so each response needed a connection of its own.
        XCTAssertGreaterThanOrEqual(report.connectionsOpened, report.responses)
        // The server may not have accepted the very last connect yet when the run ends.
        XCTAssertGreaterThanOrEqual(UInt64(server.connectionCount), report.responses)
    }

    func testIdleModeSendsOneRequestPerConnectionAndHoldsThem() throws {
        let server = try TinyServer()
        defer { server.stop() }
        var plan = try plan(server, connections: 20)
        plan.holdIdle = true
        let report = try LoadGenerator.run(plan)
        XCTAssertEqual(report.responses, 20)
        XCTAssertEqual(report.connectionsOpened, 20)
        XCTAssertEqual(report.errors, 0, report.firstError ?? "")
        XCTAssertEqual(server.connectionCount, 20)
    }

    func testNothingListeningCountsConnectErrors() throws {
        // Take a free port by binding and closing a server.
        let server = try TinyServer()
        let port = server.port
        server.stop()
        var plan = LoadPlan(target: try .tcp(host: "127.0.0.1", port: port))
        plan.connections = 2
        plan.duration = 0.1
        let report = try LoadGenerator.run(plan)
        XCTAssertEqual(report.responses, 0)
        XCTAssertGreaterThan(report.errors, 0)
        XCTAssertNotNil(report.firstError)
    }

    func testReadinessProbeAnswersOnceTheServerIsUp() throws {
        let server = try TinyServer()
        defer { server.stop() }
        let before = SystemWallClock.nanosecondsSinceEpoch()
        let at = try ReadinessProbe.waitUntilReady(try .tcp(host: "127.0.0.1", port: server.port), path: "/healthz", timeout: 5)
        XCTAssertGreaterThanOrEqual(at, before)
        XCTAssertThrowsError(try ReadinessProbe.waitUntilReady(try .tcp(host: "127.0.0.1", port: server.port),
                                                               path: "/status/500", timeout: 0.05)) { error in
            XCTAssertEqual(error as? LoadError, LoadError(.notReady, ""))
        }
    }

    func testInvalidPlansAndTargetsAreRefused() throws {
        XCTAssertThrowsError(try LoadTarget.parse("localhost:80")) { XCTAssertEqual($0 as? LoadError, LoadError(.invalidTarget, "")) }
        XCTAssertThrowsError(try LoadTarget.parse("127.0.0.1:0"))
        XCTAssertEqual(try LoadTarget.parse("http://[::1]:8000/").description, "[::1]:8000")
        XCTAssertEqual(try LoadTarget.parse("unix:/run/a.sock").description, "unix:/run/a.sock")
        var plan = LoadPlan(target: try .parse("127.0.0.1:9"))
        plan.connections = 0
        XCTAssertThrowsError(try LoadGenerator.run(plan)) { XCTAssertEqual($0 as? LoadError, LoadError(.invalidPlan, "")) }
        plan.connections = 1
        plan.path = "no-slash"
        XCTAssertThrowsError(try LoadGenerator.run(plan))
        plan.path = "/"
        plan.headers = [("Bad\r\nName", "x")]
        XCTAssertThrowsError(try LoadGenerator.run(plan))
    }
}
