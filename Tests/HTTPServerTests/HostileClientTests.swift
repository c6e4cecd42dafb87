import Glibc
import HTTPServer
import Platform
import TestSupport
import XCTest

/// One unauthenticated client must not take the server down: not by reading nothing, sending nothing, or holding
/// every connection.
final class HostileClientTests: ServerTestCase {
    /// A new connection must send its first request within the request timeout, not the (longer) idle timeout.
    func testSilentConnectionIsClosedAfterTheRequestTimeout() throws {
        let port = try startTCP(Self.configuration { $0.requestTimeout = 0.3; $0.idleTimeout = 60 })
        let silent = try TestClient(port: port)
        XCTAssertTrue(try silent.waitForClose(), "a connection that sent nothing got bytes")
        let blank = try TestClient(port: port)
        try blank.send("\r\n\r\n")   // empty lines before a request are allowed, but are no request
        XCTAssertTrue(try blank.waitForClose())
    }

    /// A table full of idle connections sheds the oldest to serve a new client.
    func testOldestIdleConnectionsAreShedWhenTheTableIsFull() throws {
        // One loop: each loop sheds the oldest of its own connections.
        let port = try startTCP(Self.configuration { $0.maxConnections = 10; $0.eventLoops = 1 })
        var clients: [TestClient] = []
        for _ in 0..<10 {
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse()?.status, 200)
            clients.append(client)
        }
        let newcomer = try TestClient(port: port)
        try newcomer.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try newcomer.readResponse()?.status, 200, "a full table of idle connections refused a new client")
        XCTAssertTrue(try clients[0].waitForClose(), "the oldest idle connection was shed")
    }

    func testOneAddressCannotTakeEveryConnection() throws {
        let server = try startServer(Self.configuration { $0.maxConnections = 100; $0.maxConnectionsPerAddress = 5 },
                                     listeners: [.tcp(host: "0.0.0.0", port: 0)])
        let port = try XCTUnwrap(port(of: server))
        // Each served once, so all five are counted before the sixth connects (two loops accept concurrently).
        let held = try (0..<5).map { _ in try TestClient(port: port) }
        for client in held {
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse()?.status, 200)
        }
        let sixth = try TestClient(port: port)
        let refused = try XCTUnwrap(try sixth.readResponse())
        XCTAssertEqual(refused.status, 503)
        XCTAssertTrue(refused.text.contains("your address"), refused.text)
        let other = try TestClient(port: port, source: "127.0.0.2")
        try other.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try other.readResponse()?.status, 200, "a second address is served")
        _ = held
    }

    func testExemptAddressIsNotCapped() throws {
        let port = try startTCP(Self.configuration {
            $0.maxConnections = 100; $0.maxConnectionsPerAddress = 2; $0.exemptAddresses = [IPRange("127.0.0.0/8")!]
        })
        let clients = try (0..<5).map { _ in try TestClient(port: port) }
        for client in clients {
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse()?.status, 200)
        }
    }

    /// Local services on the Unix socket keep a share of the table that TCP clients cannot take.
    func testUnixSocketIsServedWhileTCPFillsTheTable() throws {
        let socketPath = try temporaryDirectory() + "/s.sock"
        let server = try startServer(Self.configuration { $0.maxConnections = 40 },
                                     listeners: [.tcp(host: "127.0.0.1", port: 0), .unix(path: socketPath)])
        let port = try XCTUnwrap(port(of: server))
        var flood: [TestClient] = []
        var refusedTCP = false
        for _ in 0..<60 {
            let client = try TestClient(port: port)
            try? client.send("GET / HTTP/1.1\r\n")   // mid-request: not idle, so never shed (refused ones may reset)
            flood.append(client)
        }
        for client in flood.suffix(20) where (try? client.readResponse())??.status == 503 { refusedTCP = true }
        XCTAssertTrue(refusedTCP, "the TCP flood filled its share")
        let local = try TestClient(unixPath: socketPath)
        try local.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try local.readResponse()?.status, 200, "the Unix socket is still served")
    }

    /// A client that stops reading is dropped after the write timeout, not kept for the idle timeout.
    func testStalledWriteIsClosedAfterTheWriteTimeout() throws {
        // A Unix socket: its kernel buffers are small and fixed, so the answers back up into the server at once.
        let path = try startUnix(Self.configuration { $0.writeTimeout = 0.5; $0.idleTimeout = 60 })
        let reader = try TestClient(unixPath: path)
        let sent = pipeline(reader, "GET /big?n=65536 HTTP/1.1\r\nHost: t\r\n\r\n", upTo: 2000)
        XCTAssertGreaterThan(sent, 100)
        usleep(2_000_000)
        reader.setTimeout(seconds: 5)
        XCTAssertTrue(reader.drainUntilClosed(), "the connection stayed open though its client read nothing for 2 s")
    }

    /// Slow readers hold at most about `maxPendingOutputBytes` of answers each (plus the answer that crossed it and
    /// what was read ahead), not the megabyte each held before. The answers are far more than the kernel's socket
    /// buffers take, so the rest waits in the server.
    func testSlowReadersHoldBoundedOutput() throws {
        // No server-wide budget here: this is the bound each connection keeps by itself.
        let path = try temporaryDirectory() + "/s.sock"
        let server = try startServer(Self.configuration { $0.outputBudgetBytes = 1 << 30 }, listeners: [.unix(path: path)])
        var readers: [TestClient] = []
        for _ in 0..<4 {
            let reader = try TestClient(unixPath: path)
            pipeline(reader, "GET /big?n=65536 HTTP/1.1\r\nHost: t\r\n\r\n", upTo: 600)
            readers.append(reader)
        }
        // Wait until the server has taken all it will take (the count stops changing).
        var previous = -1
        var buffered = server.bufferedBytes
        let deadline = MonotonicSeconds.now + 20
        while (buffered != previous || buffered == 0) && MonotonicSeconds.now < deadline {
            previous = buffered
            usleep(500_000)
            buffered = server.bufferedBytes
        }
        XCTAssertGreaterThan(buffered, 0, "the answers never backed up into the server")
        let perConnection = buffered / readers.count
        XCTAssertLessThan(perConnection, 200 << 10, "each slow reader holds \(perConnection >> 10) KiB")
    }

    /// Beyond the server-wide output budget, connections whose output is backed up are closed.
    func testOutputBudgetClosesSlowReaders() throws {
        let path = try startUnix(Self.configuration { $0.outputBudgetBytes = 64 << 10; $0.writeTimeout = 60 })
        let readers = try (0..<8).map { _ in try TestClient(unixPath: path) }
        for reader in readers { pipeline(reader, "GET /big?n=20000 HTTP/1.1\r\nHost: t\r\n\r\n", upTo: 300) }
        usleep(500_000)
        var closed = 0
        for reader in readers {
            reader.setTimeout(seconds: 1)
            if reader.drainUntilClosed() { closed += 1 }
        }
        XCTAssertGreaterThan(closed, 0, "no slow reader was dropped though their answers exceed the budget")
        let fresh = try TestClient(unixPath: path)
        try fresh.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try fresh.readResponse()?.status, 200)
    }

    private func startUnix(_ configuration: HTTPServerConfiguration) throws -> String {
        let path = try temporaryDirectory() + "/s.sock"
        try startServer(configuration, listeners: [.unix(path: path)])
        return path
    }

    /// Sends `request` up to `count` times, until the server stops reading (the socket stays full for 300 ms);
    /// answers how many were sent whole.
    @discardableResult
    private func pipeline(_ client: TestClient, _ request: String, upTo count: Int) -> Int {
        let bytes = Array(String(repeating: request, count: count).utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(client.fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if written > 0 {
                offset += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK else { break }
            var wanted = pollfd(fd: client.fd, events: Int16(POLLOUT), revents: 0)
            if poll(&wanted, 1, 300) <= 0 { break }
        }
        return offset / request.utf8.count
    }
}

private enum MonotonicSeconds {
    static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

final class UnixSocketModeTests: ServerTestCase {
    /// Without a configured mode the socket is 0660 whatever the umask (it was 0777 at umask 000).
    func testUnixSocketDefaultsToOwnerAndGroup() throws {
        let path = try temporaryDirectory() + "/default.sock"
        let previous = umask(0)
        defer { umask(previous) }
        try startServer(Self.configuration(), listeners: [.unix(path: path)])
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o660)
    }
}
