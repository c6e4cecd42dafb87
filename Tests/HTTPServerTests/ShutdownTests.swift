import Dispatch
import Glibc
import HTTPServer
import XCTest

final class ShutdownTests: ServerTestCase {
    func testShutdownFinishesAnInFlightDeferredRequest() throws {
        let server = try startServer()
        let port = try XCTUnwrap(port(of: server))
        let idle = try TestClient(port: port)
        try idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try idle.readResponse()).status, 200)

        let busy = try TestClient(port: port)
        try busy.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        let (request, deferred) = try XCTUnwrap(responder.held.next())

        server.shutdown()
        // The idle keep-alive connection is closed right away, while the held request still waits.
        XCTAssertTrue(try idle.waitForClose())
        XCTAssertThrowsError(try TestClient(port: port), "the listener must stop accepting")

        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.waitUntilStopped()
            stopped.signal()
        }
        XCTAssertEqual(stopped.wait(timeout: .now() + 0.2), .timedOut, "stopped before answering the in-flight request")
        deferred.complete(TestResponder.echo(request))
        let response = try XCTUnwrap(try busy.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(try busy.waitForClose())
        XCTAssertEqual(stopped.wait(timeout: .now() + 10), .success)
    }

    func testNoConnectionIsAcceptedOnceShutdownReturns() throws {
        let path = try temporaryDirectory() + "/authd.sock"
        let server = try startServer(listeners: [.tcp(host: "127.0.0.1", port: 0), .unix(path: path)])
        let port = try XCTUnwrap(port(of: server))
        let held = try TestClient(port: port)
        try held.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        let (request, deferred) = try XCTUnwrap(responder.held.next())
        server.shutdown()
        XCTAssertThrowsError(try TestClient(port: port))
        XCTAssertThrowsError(try TestClient(unixPath: path))
        deferred.complete(TestResponder.echo(request))
        XCTAssertEqual(try XCTUnwrap(try held.readResponse()).status, 200)
    }

    func testShutdownWithoutConnectionsStopsAndIsIdempotent() throws {
        let server = try startServer()
        server.shutdown()
        server.shutdown()
        server.waitUntilStopped()
        server.waitUntilStopped()
        XCTAssertThrowsError(try TestClient(port: try XCTUnwrap(port(of: server))))
    }

    func testShutdownBeforeStartAndWaitWithoutStartReturn() {
        let server = HTTPServer(configuration: Self.configuration(), listeners: [.tcp(host: "127.0.0.1", port: 0)],
                                responder: responder)
        server.shutdown()
        server.waitUntilStopped()
    }

    func testPortIsReusableAfterShutdown() throws {
        let first = HTTPServer(configuration: Self.configuration(), listeners: [.tcp(host: "127.0.0.1", port: 0)],
                               responder: responder)
        try first.start()
        let port = try XCTUnwrap(port(of: first))
        let client = try TestClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        _ = try client.readResponse()
        first.shutdown()
        first.waitUntilStopped()
        try startServer(Self.configuration(), listeners: [.tcp(host: "127.0.0.1", port: port)])
    }
}
