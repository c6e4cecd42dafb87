import HTTPServer
import TestSupport
import XCTest

/// Hostile bytes never crash the server, never wedge it, and it keeps serving others.
final class RobustnessTests: ServerTestCase {

    func testRandomGarbageAndMutatedRequestsDoNotStopTheServer() throws {
        let port = try startTCP(Self.configuration {
            $0.requestTimeout = 0.3
            $0.idleTimeout = 0.3
            $0.maxHeaderBytes = 2048
        })
        var random = SplitMix64(seed: 20240501)
        let valid = Array("POST /x?y=1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n4\r\nabcd\r\n0\r\n\r\n".utf8)
        let allowed: Set<Int> = [200, 400, 408, 413, 417, 431, 505]
        for round in 0..<120 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 1...3000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            let client = try TestClient(port: port)
            try? client.send(bytes)
            // Whatever comes back must be well-formed HTTP with an expected status, then the connection ends.
            while let response = try client.readResponse() {
                XCTAssertTrue(allowed.contains(response.status), "round \(round): status \(response.status)")
            }
        }
        let client = try TestClient(port: port)
        try client.send("GET /still-alive HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/still-alive")
    }

    func testClientsThatVanishMidRequestOrMidResponseDoNotHurtOthers() throws {
        let port = try startTCP()
        for index in 0..<50 {
            let client = try TestClient(port: port)
            switch index % 3 {
            case 0: try client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
            case 1: try client.send("GET /defer?ms=20 HTTP/1.1\r\nHost: t\r\n\r\n")
            default: try client.send(String(repeating: "GET / HTTP/1.1\r\nHost: t\r\n\r\n", count: 40))
            }
            // The client closes here without reading anything.
        }
        let client = try TestClient(port: port)
        try client.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/ok")
    }
}
