import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately small HTTP/1.1 client over a real socket (TCP or Unix), for black-box tests.
/// It can also send arbitrary bytes, which is how malformed requests are tested.
final class RawHTTPClient {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }
    }

    enum Address {
        case tcp(host: String, port: UInt16)
        case unix(path: String)
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    /// `source` binds the client's own IPv4 address first (a second client address such as 127.0.0.2).
    init(_ address: Address, timeoutSeconds: Int = 30, source: String? = nil) throws {
        switch address {
        case .tcp(let host, let port):
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            if let source {
                let code = bindSourceAddress(fd, source)
                if code != 0 { close(fd); throw ClientError("bind to \(source) failed: errno \(code)") }
            }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &addr.sin_addr)
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if rc != 0 { close(fd); throw ClientError("connect to \(host):\(port) failed: errno \(errno)") }
        case .unix(let path):
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if rc != 0 { close(fd); throw ClientError("connect to unix:\(path) failed: errno \(errno)") }
        }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw ClientError("send failed: errno \(errno)") }
            offset += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends what the socket takes now, without blocking (a client that pipelines and never reads).
    func sendWithoutWaiting(_ text: String) throws {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }

    /// Sends a request with a body and the usual headers, then reads one response.
    func request(_ method: String, _ path: String, body: String? = nil,
                 contentType: String? = "application/json", headers: [(String, String)] = []) throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        if let body {
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(body.utf8.count)\r\n"
        }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + Array((body ?? "").utf8))
        return try readResponse(bodyless: method == "HEAD")
    }

    func post(_ path: String, json: String) throws -> Response {
        try request("POST", path, body: json)
    }

    /// The same POST on every client: every request is written first, then every answer read, so they race inside
    /// the server(s).
    static func race(_ clients: [RawHTTPClient], post path: String, json: String) throws -> [Response] {
        let request = "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)"
        for client in clients { try client.send(request) }
        return try clients.map { try $0.readResponse() }
    }

    /// Races one refresh token on every client and checks that exactly one rotation won (the others: 401
    /// blacklisted); answers the winner's new refresh token.
    static func raceRefresh(_ clients: [RawHTTPClient], token: String,
                            file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let answers = try race(clients, post: "/api/token/refresh/", json: try jsonString(["refresh": token]))
        let winners = answers.filter { $0.status == 200 }
        XCTAssertEqual(winners.count, 1, answers.map(\.text).joined(separator: "\n"), file: file, line: line)
        for loser in answers where loser.status != 200 {
            XCTAssertEqual(loser.status, 401, file: file, line: line)
            XCTAssertEqual(loser.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#, file: file, line: line)
        }
        return try XCTUnwrap(winners.first?.json["refresh"] as? String, file: file, line: line)
    }

    /// Reads one response (Content-Length framed). Throws if the server closes first.
    /// `bodyless`: the answer to HEAD, whose Content-Length describes a body that is not sent.
    func readResponse(bodyless: Bool = false) throws -> Response {
        let headerEnd: Int = try {
            while true {
                if let i = find([13, 10, 13, 10]) { return i }
                try fill()
            }
        }()
        let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError("bad status line: \(head)") }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]),
                            line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = bodyless ? 0 : Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        let bodyStart = headerEnd + 4
        while buffer.count < bodyStart + length { try fill() }
        let body = Array(buffer[bodyStart..<bodyStart + length])
        buffer.removeFirst(bodyStart + length)
        return Response(status: status, headers: headers, body: body)
    }

    /// True when the server closed the connection (reads EOF) within the socket timeout.
    func isClosedByPeer() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &scratch, scratch.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    private func fill() throws {
        var scratch = [UInt8](repeating: 0, count: 16384)
        let n = recv(fd, &scratch, scratch.count, 0)
        if n == 0 { throw ClientError("connection closed by the server") }
        if n < 0 { throw ClientError("recv failed: errno \(errno)") }
        buffer.append(contentsOf: scratch[0..<n])
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i..<i + needle.count].elementsEqual(needle) {
            return i
        }
        return nil
    }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
