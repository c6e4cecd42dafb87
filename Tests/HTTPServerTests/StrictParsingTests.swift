import HTTPServer
import XCTest

/// Every ambiguity that could let a request be read two ways is refused with 400 and a closed connection.
final class StrictParsingTests: ServerTestCase {
    private func assertRefused(_ raw: String, status: Int = 400, _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let port = try startTCP()
        let response = try refusal(raw, port: port, file: file, line: line)
        XCTAssertEqual(response.status, status, "\(message): \(response.text)", file: file, line: line)
    }

    func testContentLengthWithTransferEncoding() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "CL+TE")
    }

    func testDifferentContentLengths() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "two CLs")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 6\r\n\r\nhello!", "CL list")
    }

    /// RFC 9110 lets a recipient accept identical lists or repeats; authd refuses them, as strict parsers do.
    func testRepeatedEqualContentLengthsAreRefused() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2,2\r\n\r\nok", "CL list of equal values")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2, 2\r\n\r\nok", "CL list with a space")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", "CL twice")
    }

    func testChunkSizeWithTrailingWhitespaceIsRefused() throws {
        let head = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        try assertRefused(head + "2 \r\nok\r\n0\r\n\r\n", "space after the size")
        try assertRefused(head + "2\t\r\nok\r\n0\r\n\r\n", "tab after the size")
        try assertRefused(head + "2 ;x=y\r\nok\r\n0\r\n\r\n", "space before an extension")
    }

    func testMalformedContentLength() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", "negative")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello", "plus sign")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0x10\r\n\r\n", "hex")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length:\r\n\r\n", "empty")
    }

    func testTransferEncodingOtherThanChunked() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", "gzip")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "gzip, chunked")
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                          "chunked twice")
        try assertRefused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "TE in HTTP/1.0")
    }

    func testObsoleteLineFolding() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n  b\r\n\r\n", "obs-fold")
        try assertRefused("GET / HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n\tb\r\n\r\n", "obs-fold tab")
    }

    func testBadHeaderNames() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: t\r\nBad@Name: x\r\n\r\n", "@ in name")
        try assertRefused("GET / HTTP/1.1\r\nHost: t\r\n: novalue\r\n\r\n", "empty name")
        try assertRefused("GET / HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n", "no colon")
        try assertRefused("GET / HTTP/1.1\r\nHost: t\r\nX-Ctl: a\u{01}b\r\n\r\n", "control byte in value")
    }

    func testWhitespaceBeforeColon() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost : t\r\n\r\n", "space before colon")
        try assertRefused("GET / HTTP/1.1\r\nHost: t\r\nContent-Length\t: 0\r\n\r\n", "tab before colon")
    }

    func testBareCRAndBareLF() throws {
        try assertRefused("GET / HTTP/1.1\r\nHost: t\rX-Smuggle: 1\r\n\r\n", "bare CR")
        try assertRefused("GET / HTTP/1.1\nHost: t\n\n", "bare LF")
    }

    func testBadRequestLines() throws {
        try assertRefused("GET /\r\nHost: t\r\n\r\n", "two parts")
        try assertRefused("GET  / HTTP/1.1\r\nHost: t\r\n\r\n", "double space")
        try assertRefused("G(T / HTTP/1.1\r\nHost: t\r\n\r\n", "non-token method")
        try assertRefused("GET relative HTTP/1.1\r\nHost: t\r\n\r\n", "relative target")
        try assertRefused("GET /a#frag HTTP/1.1\r\nHost: t\r\n\r\n", "fragment")
        try assertRefused("GET /\u{7F} HTTP/1.1\r\nHost: t\r\n\r\n", "DEL in target")
    }

    func testBadVersions() throws {
        try assertRefused("GET / HTTP/1.x\r\nHost: t\r\n\r\n", "1.x")
        try assertRefused("GET / http/1.1\r\nHost: t\r\n\r\n", "lowercase")
        try assertRefused("GET / HTTP/1.10\r\nHost: t\r\n\r\n", "two-digit minor")
        try assertRefused("GET / HTTP/2.0\r\nHost: t\r\n\r\n", status: 505, "HTTP/2.0")
    }

    func testHostRules() throws {
        try assertRefused("GET / HTTP/1.1\r\n\r\n", "missing Host")
        try assertRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "two Hosts")
    }

    func testUnsupportedExpectation() throws {
        try assertRefused("POST / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx", status: 417, "Expect")
    }

    func testInvalidChunkSizes() throws {
        let head = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        try assertRefused(head + "zz\r\nhello\r\n0\r\n\r\n", "non-hex size")
        try assertRefused(head + "\r\nhello\r\n0\r\n\r\n", "empty size")
        try assertRefused(head + "-5\r\nhello\r\n0\r\n\r\n", "negative size")
        try assertRefused(head + "FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n", "overflowing size")
        try assertRefused(head + "5 x\r\nhello\r\n0\r\n\r\n", "junk after size")
        try assertRefused(head + "5\r\nhelloXX0\r\n\r\n", "data not followed by CRLF")
        try assertRefused(head + "5\nhello\r\n0\r\n\r\n", "bare LF after size")
        try assertRefused(head + "5\r\nhello\r\n0\r\nBad Trailer: x\r\n\r\n", "bad trailer")
    }

    func testErrorsCloseTheConnectionEvenWithMoreRequestsQueued() throws {
        let port = try startTCP()
        let client = try TestClient(port: port)
        try client.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost : t\r\n\r\nGET /third HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).header("X-Path"), "/first")
        XCTAssertEqual(try XCTUnwrap(try client.readResponse()).status, 400)
        XCTAssertTrue(try client.waitForClose())
    }
}
