@testable import HTTPServer
import XCTest

/// The parser must give the same result however the bytes are split across reads.
final class ParserTests: XCTestCase {
    private func parseAll(_ raw: String, chunkSize: Int) -> [String] {
        var parser = HTTPRequestParser(maxHeaderBytes: 4096, maxBodyBytes: 4096, listenerTag: 0, peer: "test")
        var outcomes: [String] = []
        let bytes = Array(raw.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunkSize)
            var offset = start
            while offset < end {
                let (consumed, event) = bytes[offset..<end].withUnsafeBytes { parser.parse($0) }
                XCTAssertGreaterThan(consumed, 0)
                offset += consumed
                switch event {
                case .needMore: break
                case .expectContinue: outcomes.append("100")
                case let .request(request, keepAlive):
                    outcomes.append("\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self)) \(keepAlive)")
                case let .failure(failure):
                    outcomes.append("\(failure.status)")
                    return outcomes
                }
            }
            start = end
        }
        return outcomes
    }

    func testSameResultForEverySplit() {
        let raw = "\r\nPOST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
            + "PUT /b HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"
            + "GET /c HTTP/1.0\r\n\r\n"
        let expected = ["POST /a hello true", "PUT /b abcde false", "GET /c  false"]
        for size in [1, 2, 3, 7, 16, 1000] {
            XCTAssertEqual(parseAll(raw, chunkSize: size), expected, "chunk size \(size)")
        }
    }

    func testErrorsAreFoundWhateverTheSplit() {
        for size in [1, 5, 1000] {
            XCTAssertEqual(parseAll("GET / HTTP/1.1\r\nHost: t\r\nA: b\rC: d\r\n\r\n", chunkSize: size), ["400"])
            XCTAssertEqual(parseAll("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcdeX", chunkSize: size), ["400"])
        }
    }

    func testAHeadOverTheLimitIsRefusedAtItsFirstByteTooMany() {
        // One endless line with no CR or LF: refused as soon as it passes the limit, not when (if ever) it ends.
        for size in [1, 100, 5000] {
            XCTAssertEqual(parseAll("GET /" + String(repeating: "a", count: 4091), chunkSize: size), [], "within the limit")
            XCTAssertEqual(parseAll("GET /" + String(repeating: "a", count: 4092), chunkSize: size), ["431"], "chunk size \(size)")
        }
        // The limit counts the CRLFs too: a head of exactly 4096 bytes passes, 4097 does not.
        let line = "X: " + String(repeating: "v", count: 4096 - 16 - 3 - 2 - 2) + "\r\n"
        XCTAssertEqual(parseAll("GET / HTTP/1.0\r\n" + line + "\r\n", chunkSize: 1000), ["GET /  false"])
        XCTAssertEqual(parseAll("GET / HTTP/1.0\r\n" + "Y" + line + "\r\n", chunkSize: 1000), ["431"])
    }

    func testMidRequestTracking() {
        var parser = HTTPRequestParser(maxHeaderBytes: 4096, maxBodyBytes: 4096, listenerTag: 0, peer: "test")
        XCTAssertFalse(parser.isMidRequest)
        _ = Array("\r\n".utf8).withUnsafeBytes { parser.parse($0) }
        XCTAssertFalse(parser.isMidRequest, "empty lines before a request do not start it")
        _ = Array("GET".utf8).withUnsafeBytes { parser.parse($0) }
        XCTAssertTrue(parser.isMidRequest)
    }

    func testChunkSizeSyntax() {
        XCTAssertEqual(HTTPRequestParser.chunkSize(Array("1aF".utf8)), 0x1AF)
        XCTAssertEqual(HTTPRequestParser.chunkSize(Array("5;ext=\"q\"".utf8)), 5)
        XCTAssertNil(HTTPRequestParser.chunkSize(Array("5 ;ext=\"q\"".utf8)))
        XCTAssertNil(HTTPRequestParser.chunkSize(Array("5 ".utf8)))
        XCTAssertNil(HTTPRequestParser.chunkSize(Array("".utf8)))
        XCTAssertNil(HTTPRequestParser.chunkSize(Array("0x5".utf8)))
        XCTAssertNil(HTTPRequestParser.chunkSize(Array("1234567890123456".utf8)))
    }
}

final class HTTPHeadersTests: XCTestCase {
    func testCaseInsensitiveLookupKeepsOrderAndSpelling() {
        var headers: HTTPHeaders = ["Set-Cookie": "a=1", "Content-Type": "text/plain"]
        headers.add("set-cookie", "b=2")
        XCTAssertEqual(headers["SET-COOKIE"], "a=1")
        XCTAssertEqual(headers.values(for: "Set-Cookie"), ["a=1", "b=2"])
        headers.replaceOrAdd("SET-cookie", "c=3")
        XCTAssertEqual(headers.values(for: "set-cookie"), ["c=3"])
        headers.replaceOrAdd("X-New", "1")
        XCTAssertEqual(headers.map(\.name), ["Set-Cookie", "Content-Type", "X-New"])
        headers.remove("content-type")
        XCTAssertNil(headers["Content-Type"])
        XCTAssertEqual(headers.count, 2)
    }
}

final class RequestTargetTests: XCTestCase {
    func testTargetsSplitIntoPathAndQuery() {
        let cases: [(String, String, String)] = [
            ("/api/token/auth/", "/api/token/auth/", ""),
            ("/a?x=1&y=2", "/a", "x=1&y=2"),
            ("/a?b?c", "/a", "b?c"),
            ("/?", "/", ""),
            ("http://example.com/p/q?z=1", "/p/q", "z=1"),
            ("https://example.com:8443/x", "/x", ""),
            ("http://example.com", "/", ""),
            ("http://example.com?q", "/", "q"),
            ("*", "*", ""),
        ]
        for (target, path, query) in cases {
            let split = HTTPRequest.split(target: target)
            XCTAssertEqual(split.path, path, target)
            XCTAssertEqual(split.query, query, target)
        }
    }
}

final class ResponseSerializerTests: XCTestCase {
    func testContentLengthDigits() {
        for value in [0, 7, 10, 99, 100, 1_234_567, Int.max] {
            var output: [UInt8] = []
            ResponseSerializer.appendDecimal(value, to: &output)
            XCTAssertEqual(String(decoding: output, as: UTF8.self), String(value))
        }
    }

    func testAHeaderThatWouldSplitTheResponseBecomesA500() {
        for value in ["a\r\nSet-Cookie: x=1", "a\nb", "nul\u{0}", "del\u{7F}"] {
            var output: [UInt8] = []
            let response = HTTPResponse(status: 200, headers: ["X-Claim": value], body: Array("ok".utf8))
            ResponseSerializer.append(response, isHead: false, closes: false, isHTTP10: false, date: [], to: &output)
            let text = String(decoding: output, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 500 "), text)
            XCTAssertFalse(text.contains("Set-Cookie"), text)
        }
        var output: [UInt8] = []
        let fine = HTTPResponse(status: 200, headers: ["X-Claim": "caf\u{E9} \t ok"], body: [])
        ResponseSerializer.append(fine, isHead: false, closes: false, isHTTP10: false, date: [], to: &output)
        XCTAssertTrue(String(decoding: output, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\nX-Claim: caf\u{E9} \t ok\r\n"))
    }
}
