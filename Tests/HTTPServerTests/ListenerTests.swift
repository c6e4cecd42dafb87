import Glibc
import HTTPServer
import XCTest

final class ListenerTests: ServerTestCase {
    func testUnixSocketWithModeAndGroup() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/authd.sock"
        let candidates: [String] = ["daemon", "nogroup", "users", "root"]
        let group = try XCTUnwrap(candidates.first { getgrnam($0) != nil })
        let groupID = getgrnam(group)!.pointee.gr_gid
        let server = try startServer(listeners: [.unix(path: path, mode: 0o660, group: group, tag: 7)])
        XCTAssertEqual(server.boundAddresses, ["unix:\(path)"])

        var status = stat()
        XCTAssertEqual(lstat(path, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(status.st_mode & 0o777, 0o660)
        XCTAssertEqual(status.st_gid, groupID)

        let client = try TestClient(unixPath: path)
        try client.send("GET /over-unix HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let response = try XCTUnwrap(try client.readResponse())
        XCTAssertTrue(response.text.contains("tag=7 peer=unix"), response.text)

        server.shutdown()
        server.waitUntilStopped()
        XCTAssertNotEqual(lstat(path, &status), 0, "socket file left behind after shutdown")
    }

    func testUnknownGroupIsRefusedAndLeavesNoFile() throws {
        let path = try temporaryDirectory() + "/authd.sock"
        let server = HTTPServer(configuration: Self.configuration(), listeners: [.unix(path: path, group: "no-such-group-xyz")],
                                responder: responder)
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.unknownGroup, ""))
            XCTAssertTrue("\(error)".contains("no-such-group-xyz"))
        }
        var status = stat()
        XCTAssertNotEqual(lstat(path, &status), 0)
    }

    func testStaleSocketFileIsReplaced() throws {
        let path = try temporaryDirectory() + "/authd.sock"
        // A socket bound and closed without unlinking: what a crashed daemon leaves behind.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        close(stale)

        try startServer(listeners: [.unix(path: path)])
        let client = try TestClient(unixPath: path)
        try client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 200)
    }

    func testLiveSocketIsRefused() throws {
        let path = try temporaryDirectory() + "/authd.sock"
        try startServer(listeners: [.unix(path: path)])
        let second = HTTPServer(configuration: Self.configuration(), listeners: [.unix(path: path)], responder: responder)
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.socketPathInUse, ""))
        }
        // The first server is untouched.
        let client = try TestClient(unixPath: path)
        try client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 200)
    }

    func testMissingParentDirectoryIsAClearError() throws {
        let path = try temporaryDirectory() + "/missing/authd.sock"
        let server = HTTPServer(configuration: Self.configuration(), listeners: [.unix(path: path)], responder: responder)
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.invalidAddress, ""))
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
    }

    func testPathThatIsNotASocketIsRefused() throws {
        let path = try temporaryDirectory() + "/regular-file"
        let file = open(path, O_CREAT | O_WRONLY, 0o600)
        XCTAssertGreaterThanOrEqual(file, 0)
        close(file)
        let server = HTTPServer(configuration: Self.configuration(), listeners: [.unix(path: path)], responder: responder)
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.pathNotSocket, ""))
        }
        var status = stat()
        XCTAssertEqual(lstat(path, &status), 0, "the regular file must not be removed")
    }

    func testLocalhostBindsToLoopbackIPv4() throws {
        let server = try startServer(listeners: [.tcp(host: "localhost", port: 0)])
        XCTAssertTrue(server.boundAddresses[0].hasPrefix("127.0.0.1:"), server.boundAddresses[0])
        let client = try TestClient(port: try XCTUnwrap(port(of: server)))
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 200)
    }

    func testIPv6Literal() throws {
        let server: HTTPServer
        do {
            server = try startServer(listeners: [.tcp(host: "::1", port: 0)])
        } catch let error as HTTPServerError where error.code == .invalidAddress {
            throw XCTSkip("IPv6 loopback is not available here: \(error)")
        }
        XCTAssertTrue(server.boundAddresses[0].hasPrefix("[::1]:"), server.boundAddresses[0])
        let client = try TestClient(port: try XCTUnwrap(port(of: server)), host: "::1")
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(try XCTUnwrap(try client.readResponse()).text.contains("peer=::1 "))
    }

    func testHostNamesOtherThanLocalhostAreRefused() throws {
        let server = HTTPServer(configuration: Self.configuration(), listeners: [.tcp(host: "example.com", port: 80)],
                                responder: responder)
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.invalidAddress, ""))
        }
    }

    func testAddressInUseIsAClearErrorAndReleasesEarlierListeners() throws {
        let first = try startServer()
        let taken = try XCTUnwrap(port(of: first))
        let path = try temporaryDirectory() + "/authd.sock"
        let second = HTTPServer(configuration: Self.configuration(),
                                listeners: [.unix(path: path), .tcp(host: "127.0.0.1", port: taken)], responder: responder)
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.addressInUse, ""))
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(taken)"), "\(error)")
        }
        var status = stat()
        XCTAssertNotEqual(lstat(path, &status), 0, "the unix listener bound before the failure must be removed")
    }

    func testSeveralListenersCarryTheirTags() throws {
        let path = try temporaryDirectory() + "/authd.sock"
        let server = try startServer(listeners: [.tcp(host: "127.0.0.1", port: 0, tag: 1), .unix(path: path, tag: 2)])
        let tcp = try TestClient(port: try XCTUnwrap(port(of: server)))
        try tcp.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(try XCTUnwrap(try tcp.readResponse()).text.contains("tag=1 "))
        let unix = try TestClient(unixPath: path)
        try unix.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(try XCTUnwrap(try unix.readResponse()).text.contains("tag=2 "))
    }

    func testInheritedListeningSocket() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(fd, 16), 0)
        let server = try startServer(listeners: [.inherited(fd: fd, tag: 3)])
        let client = try TestClient(port: try XCTUnwrap(port(of: server)))
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(try XCTUnwrap(try client.readResponse()).text.contains("tag=3 "))
    }

    func testInheritedDescriptorThatIsNotListeningIsRefused() throws {
        var pair: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&pair), 0)
        defer { close(pair[0]); close(pair[1]) }
        let server = HTTPServer(configuration: Self.configuration(), listeners: [.inherited(fd: pair[0])], responder: responder)
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.invalidAddress, ""))
        }
    }

    func testInvalidConfigurationIsRefused() throws {
        let server = HTTPServer(configuration: Self.configuration { $0.requestTimeout = 0 },
                                listeners: [.tcp(host: "127.0.0.1", port: 0)], responder: responder)
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.invalidConfiguration, ""))
        }
    }

    func testStartingTwiceIsRefused() throws {
        let server = try startServer()
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertEqual(error as? HTTPServerError, HTTPServerError(.alreadyStarted, ""))
        }
    }
}
