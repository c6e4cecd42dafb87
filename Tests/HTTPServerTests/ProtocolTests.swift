import HTTPServer
import XCTest

final class ProtocolTests: ServerTestCase {
    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        for index in 0..<3 {
            try client.send("GET /item/\(index)?x=\(index) HTTP/1.1\r\nHost: test\r\n\r\n")
            let response = try XCTUnwrap(try client.readResponse())
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.text, "GET /item/\(index) q=x=\(index) v=HTTP/1.1 tag=0 peer=127.0.0.1 body=")
            XCTAssertNil(response.header("Connection"))
            XCTAssertNotNil(response.header("Date"))
            XCTAssertEqual(response.header("Content-Length"), "\(response.body.count)")
        }
    }

    func testPipelinedRequestsAreAnsweredInOrderWhenEarlierOnesAreDeferred() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        let paths = ["/defer?ms=150", "/now-1", "/defer?ms=10", "/now-2", "/defer?ms=60"]
        try client.send(paths.map { "GET \($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
        var seen: [String] = []
        for _ in paths {
            let response = try XCTUnwrap(try client.readResponse())
            XCTAssertEqual(response.status, 200)
            seen.append(response.header("X-Path") ?? "?")
        }
        XCTAssertEqual(seen, ["/defer", "/now-1", "/defer", "/now-2", "/defer"])
        try client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/after")
    }

    func testLongPipelineBeyondTheInFlightLimitIsAnsweredCompletelyAndInOrder() throws {
        let port = try startTCP(Self.configuration { $0.maxPipelinedRequests = 4 })
        let client = try TestClient(port: port)
        let count = 100
        var raw = ""
        for index in 0..<count {
            raw += index % 3 == 0 ? "GET /defer?ms=1 HTTP/1.1\r\nHost: t\r\nX-N: \(index)\r\n\r\n"
                                  : "POST /p\(index) HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
        }
        try client.send(raw)
        for index in 0..<count {
            let response = try XCTUnwrap(try client.readResponse())
            XCTAssertEqual(response.header("X-Path"), index % 3 == 0 ? "/defer" : "/p\(index)")
        }
    }

    func testLargeResponsesToASlowReaderArriveWhole() throws {
        let port = try startTCP()
        // A slow reader whatever the timing: a 64 KiB receive buffer (fixed, so no autotuning) lets only a trickle
        // through, while three pipelined 3 MiB answers are more than the server's send buffer holds (4 MiB at most by
        // Linux's default tcp_wmem), so the server must stop at EAGAIN and resume on EPOLLOUT again and again.
        let client = try TestClient(port: port, receiveBufferBytes: 64 << 10)
        client.setTimeout(seconds: 30)   // a stall is a failure; a loaded machine is not
        let size = 3 << 20
        try client.send(String(repeating: "GET /big?n=\(size) HTTP/1.1\r\nHost: t\r\n\r\n", count: 3))
        let expected = TestResponder.pattern(size)
        for _ in 0..<3 {
            let response = try XCTUnwrap(try client.readResponse())
            XCTAssertEqual(response.body.count, size)
            XCTAssertTrue(response.body == expected)
        }
        try client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/after")
    }

    func testHTTP10ClosesUnlessKeepAliveIsAsked() throws {
        let port = try startTCP()
        let plain = try TestClient(port: port)
        try plain.send("GET /old HTTP/1.0\r\n\r\n")
        let first = try XCTUnwrap(try plain.readResponse())
        XCTAssertEqual(first.status, 200)
        XCTAssertTrue(first.text.contains("v=HTTP/1.0"))
        XCTAssertEqual(first.header("Connection"), "close")
        XCTAssertTrue(try plain.waitForClose())

        let kept = try TestClient(port: port)
        for _ in 0..<2 {
            try kept.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try XCTUnwrap(try kept.readResponse())
            XCTAssertEqual(response.header("Connection"), "keep-alive")
        }
    }

    func testConnectionCloseIsHonouredAndLaterPipelinedRequestsAreIgnored() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.header("X-Path"), "/a")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(try client.waitForClose())
    }

    func testResponderCanAskToClose() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("GET /close HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("Connection"), "close")
        XCTAssertTrue(try client.waitForClose())
    }

    func testChunkedRequestBodyIsDecoded() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("POST /chunks HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n1;name=value\r\n,\r\nA\r\n world and\r\n0\r\nX-Trailer: yes\r\n\r\n")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.text.hasSuffix("body=hello, world and"), response.text)
        // The connection stays usable after a chunked body.
        try client.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/next")
    }

    func testExpect100ContinueIsSentBeforeTheBody() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(interim.status, 100)
        try client.send("data")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.text.hasSuffix("body=data"))
    }

    func testExpect100ContinueIsSkippedWhenTheBodyAlreadyArrived() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\ndata")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 200)
    }

    func testHeadResponseKeepsLengthButSendsNoBody() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\nGET /y HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try XCTUnwrap(try client.readResponse(bodyExpected: false))
        XCTAssertEqual(head.status, 200)
        XCTAssertNotEqual(head.header("Content-Length"), "0")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/y")
    }

    func testNoContentHasNeitherLengthNorBody() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("GET /status?code=204 HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 204)
        XCTAssertNil(response.header("Content-Length"))
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/after")
    }

    func testUnknownMethodsReachTheResponder() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(try XCTUnwrap(try client.readResponse()).text.hasPrefix("BREW /pot"))
    }

    func testAbsoluteFormTargetYieldsThePath() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("GET http://example.com/abs/path?k=v HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertTrue(try XCTUnwrap(try client.readResponse()).text.hasPrefix("GET /abs/path q=k=v"))
    }

    func testDeferredResponseNeverCompletedBecomes500() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("GET /drop HTTP/1.1\r\nHost: t\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/next")
    }

    func testInvalidResponseHeaderIsReplacedBy500() throws {
        struct Injecting: HTTPResponder {
            func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse? {
                HTTPResponse(status: 200, headers: ["X-Evil": "a\r\nSet-Cookie: x=1"], body: [])
            }
        }
        let server = HTTPServer(configuration: Self.configuration(), listeners: [.tcp(host: "127.0.0.1", port: 0)],
                                responder: Injecting())
        try server.start()
        defer { server.shutdown(); server.waitUntilStopped() }
        let client = try TestClient(port: try XCTUnwrap(port(of: server)))
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 500)
        XCTAssertNil(response.header("Set-Cookie"))
    }

    func testPeerHalfCloseStillGetsItsAnswer() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("GET /defer?ms=50 HTTP/1.1\r\nHost: t\r\n\r\n")
        client.finishSending()
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(try client.waitForClose())
    }
}
