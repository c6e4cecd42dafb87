import Glibc
import HTTPServer
import TestSupport
import XCTest

/// Starts real servers on port 0 or temporary unix paths and stops them after each test.
class ServerTestCase: XCTestCase {
    private var servers: [HTTPServer] = []
    private var temporaryDirectories: [TemporaryDirectory] = []
    let responder = TestResponder()

    override func tearDown() {
        for server in servers {
            server.shutdown()
            server.waitUntilStopped()
        }
        servers = []
        temporaryDirectories = []   // removed with their contents
        super.tearDown()
    }

    static func configuration(_ change: (inout HTTPServerConfiguration) -> Void = { _ in }) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 2
        change(&configuration)
        return configuration
    }

    @discardableResult
    func startServer(_ configuration: HTTPServerConfiguration = configuration(),
                     listeners: [ListenerSpec] = [.tcp(host: "127.0.0.1", port: 0)]) throws -> HTTPServer {
        let server = HTTPServer(configuration: configuration, listeners: listeners, responder: responder)
        try server.start()
        servers.append(server)
        return server
    }

    /// Starts a TCP server and returns its port.
    func startTCP(_ configuration: HTTPServerConfiguration = configuration()) throws -> UInt16 {
        let server = try startServer(configuration)
        return try XCTUnwrap(port(of: server))
    }

    func port(of server: HTTPServer, index: Int = 0) -> UInt16? {
        server.boundAddresses[index].split(separator: ":").last.flatMap { UInt16($0) }
    }

    /// A fresh directory kept until the test ends.
    func temporaryDirectory() throws -> String {
        let directory = try TemporaryDirectory(prefix: "authd-http")
        temporaryDirectories.append(directory)
        return directory.path
    }

    /// Sends `raw` on a fresh connection and returns the one response, asserting the server then closes.
    func refusal(_ raw: String, port: UInt16, file: StaticString = #filePath, line: UInt = #line) throws -> TestResponse {
        let client = try TestClient(port: port)
        try client.send(raw)
        let response = try XCTUnwrap(try client.readResponse(), "no response", file: file, line: line)
        XCTAssertEqual(response.header("Connection"), "close", file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/json", file: file, line: line)
        XCTAssertTrue(response.text.hasPrefix("{\"detail\":\""), response.text, file: file, line: line)
        XCTAssertTrue(try client.waitForClose(), "server kept the connection open", file: file, line: line)
        return response
    }
}
