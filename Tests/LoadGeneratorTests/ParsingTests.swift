import XCTest
@testable import LoadGenerator

final class ParsingTests: XCTestCase {
    func testScannerFindsLengthStatusAndClose() {
        let response = Array("HTTP/1.1 201 Created\r\ncontent-LENGTH:  5 \r\nConnection: close\r\n\r\nhello".utf8)
        XCTAssertEqual(ResponseScanner.scan(response, from: 0), .head(status: 201, length: response.count, closes: true))
        let partial = Array(response.prefix(20))
        XCTAssertEqual(ResponseScanner.scan(partial, from: 0), .incomplete(resumeAt: 17))
        let http10 = Array("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        XCTAssertEqual(ResponseScanner.scan(http10, from: 0), .head(status: 200, length: http10.count, closes: true))
        let noLength = Array("HTTP/1.1 200 OK\r\n\r\nbody".utf8)
        XCTAssertEqual(ResponseScanner.scan(noLength, from: 0), .head(status: 200, length: nil, closes: true))
        let noContent = Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)
        XCTAssertEqual(ResponseScanner.scan(noContent, from: 0), .head(status: 204, length: noContent.count, closes: false))
    }

    func testScannerRejectsGarbageAndChunked() {
        for text in ["SMTP ready\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"] {
            guard case .malformed = ResponseScanner.scan(Array(text.utf8), from: 0) else {
                return XCTFail("accepted \(text.debugDescription)")
            }
        }
    }

    func testHistogramPercentilesWithinOnePercent() {
        var histogram = LatencyHistogram()
        for value in 1...100_000 { histogram.record(microseconds: UInt64(value)) }
        let p50 = Double(histogram.percentile(0.5)), p99 = Double(histogram.percentile(0.99))
        XCTAssertEqual(p50, 50_000, accuracy: 500)
        XCTAssertEqual(p99, 99_000, accuracy: 990)
        XCTAssertEqual(histogram.maximum, 100_000)
        XCTAssertEqual(histogram.percentile(1), 100_000)

        var other = LatencyHistogram()
        other.record(microseconds: 7)
        other.add(histogram)
        XCTAssertEqual(other.total, 100_001)
        XCTAssertEqual(LatencyHistogram().percentile(0.5), 0)
        for value: UInt64 in [0, 255, 256, 257, 1000, 123_456_789] {
            XCTAssertGreaterThanOrEqual(LatencyHistogram.upperBound(LatencyHistogram.index(value)), value)
        }
    }
}
