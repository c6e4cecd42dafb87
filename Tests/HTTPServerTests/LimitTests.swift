import Glibc
import HTTPServer
import TestSupport
import XCTest

final class LimitTests: ServerTestCase {
    func testHeaderSectionOverLimitIs431() throws {
        let port = try startTCP(Self.configuration { $0.maxHeaderBytes = 1024 })
        let big = String(repeating: "a", count: 2000)
        let response = try refusal("GET / HTTP/1.1\r\nHost: t\r\nX-Big: \(big)\r\n\r\n", port: port)
        XCTAssertEqual(response.status, 431)
    }

    func testHeaderSectionJustUnderLimitIsServed() throws {
        let port = try startTCP(Self.configuration { $0.maxHeaderBytes = 1024 })
        let client = try TestClient(port: port)
        let prefix = "GET / HTTP/1.1\r\nHost: t\r\nX-Pad: "
        let padding = String(repeating: "p", count: 1024 - prefix.utf8.count - 4)
        try client.send(prefix + padding + "\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 200)
    }

    func testBodyOverLimitIs413BeforeTheBodyIsSent() throws {
        let port = try startTCP(Self.configuration { $0.maxBodyBytes = 100 })
        // Only the head is sent: the answer must not wait for the announced body.
        let response = try refusal("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n", port: port)
        XCTAssertEqual(response.status, 413)
    }

    func testOversizedBodyBeingSentStillGetsTheAnswer() throws {
        let port = try startTCP(Self.configuration { $0.maxBodyBytes = 100 })
        let client = try TestClient(port: port)
        try client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 200000\r\n\r\n" + String(repeating: "x", count: 200000))
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 413)
    }

    func testChunkedBodyOverLimitIs413() throws {
        let port = try startTCP(Self.configuration { $0.maxBodyBytes = 10 })
        let response = try refusal("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n",
                                   port: port)
        XCTAssertEqual(response.status, 413)
    }

    func testIncompleteRequestPastRequestTimeoutIs408() throws {
        let port = try startTCP(Self.configuration { $0.requestTimeout = 0.2 })
        let client = try TestClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        XCTAssertTrue(try client.waitForClose())
    }

    func testIncompleteBodyPastRequestTimeoutIs408() throws {
        let port = try startTCP(Self.configuration { $0.requestTimeout = 0.2 })
        let client = try TestClient(port: port)
        try client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 408)
    }

    func testIdleKeepAliveConnectionIsClosedSilently() throws {
        let port = try startTCP(Self.configuration { $0.idleTimeout = 0.2 })
        let client = try TestClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 200)
        XCTAssertTrue(try client.waitForClose(), "idle connection got bytes instead of a silent close")
    }

    func testConnectionsBeyondTheLimitGet503() throws {
        let port = try startTCP(Self.configuration { $0.maxConnections = 2 })
        let first = try TestClient(port: port)
        let second = try TestClient(port: port)
        for client in [first, second] {
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 200)
            // Mid-request, so neither is idle: a full table of idle connections would shed the oldest instead.
            try client.send("GET / HTTP/1.1\r\n")
        }
        let third = try TestClient(port: port)
        let refused = try XCTUnwrap(try third.readResponse())
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.header("Content-Type"), "application/json")
        XCTAssertTrue(try third.waitForClose())

        // Once a slot frees up, new connections are served again.
        try first.send("Host: t\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try first.readResponse()).status, 200)
        XCTAssertTrue(try first.waitForClose())
        // The server frees the slot when it notices the close, a moment after: until then a new client gets 503.
        let served = try waitUntil(timeout: 5) {
            let next = try TestClient(port: port)
            try next.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            return try next.readResponse()?.status == 200
        }
        XCTAssertTrue(served, "the freed slot was never given to a new connection")
    }

    /// 5,000 idle keep-alive connections must cost well under 100 MB in total.
    func testManyIdleConnectionsStaySmall() throws {
        let port = try startTCP(Self.configuration { $0.maxConnections = 6000 })
        let before = try residentBytes()
        var clients: [TestClient] = []
        for _ in 0..<5000 {
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            clients.append(client)
        }
        for client in clients {
            XCTAssertEqual(try client.readResponse()?.status, 200)
        }
        let growth = try residentBytes() - before
        // Includes the test's own 5,000 clients; the server side alone is a fraction of this.
        XCTAssertLessThan(growth, 50 << 20, "RSS grew by \(growth >> 20) MB")
    }

    /// This process's resident set size in bytes, from /proc/self/statm; throws (failing the test) when it cannot
    /// be read, so that an unreadable value can never pass for "no growth".
    private func residentBytes() throws -> Int {
        let statm = "/proc/self/statm"
        let text = try String(contentsOfFile: statm, encoding: .utf8)
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]), pages > 0 else {
            throw TestClientError(description: "cannot read the resident set size from \(statm): \(text.debugDescription)")
        }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
