/// Finds where one HTTP/1.x response ends in the bytes received so far: enough parsing for a load generator
/// (status, Content-Length, Connection), not a general client. Chunked bodies are reported as unsupported.
enum ResponseScanner {
    enum Outcome: Equatable {
        /// The head is not complete yet; search again from `resumeAt` when more arrives.
        case incomplete(resumeAt: Int)
        /// `length` is head plus body, nil when the body runs until the server closes.
        case head(status: Int, length: Int?, closes: Bool)
        case malformed(String)
    }

    static func scan(_ bytes: [UInt8], from start: Int) -> Outcome {
        guard let headEnd = findHeadEnd(bytes, from: start) else {
            return .incomplete(resumeAt: max(0, bytes.count - 3))
        }
        // "HTTP/1.1 200 ..."
        guard headEnd >= 12, bytes.starts(with: Array("HTTP/1.".utf8)), bytes[8] == 32 else {
            return .malformed("the response does not start with an HTTP/1.x status line")
        }
        var status = 0
        for i in 9..<12 {
            let digit = bytes[i]
            guard digit >= 48 && digit <= 57 else { return .malformed("the status code is not three digits") }
            status = status * 10 + Int(digit - 48)
        }
        let isHTTP10 = bytes[7] == UInt8(ascii: "0")
        var contentLength: Int?
        var closes = isHTTP10
        var chunked = false
        var lineStart = lineEnd(bytes, from: 0, limit: headEnd) + 2
        while lineStart < headEnd {
            let end = lineEnd(bytes, from: lineStart, limit: headEnd)
            if let colon = bytes[lineStart..<end].firstIndex(of: UInt8(ascii: ":")) {
                let name = bytes[lineStart..<colon]
                let value = trimmed(bytes[(colon + 1)..<end])
                if equalsIgnoringCase(name, "content-length") {
                    var n = 0
                    guard !value.isEmpty, value.count <= 15 else { return .malformed("bad Content-Length") }
                    for digit in value {
                        guard digit >= 48 && digit <= 57 else { return .malformed("bad Content-Length") }
                        n = n * 10 + Int(digit - 48)
                    }
                    contentLength = n
                } else if equalsIgnoringCase(name, "connection") {
                    if equalsIgnoringCase(value, "close") { closes = true }
                    if equalsIgnoringCase(value, "keep-alive") { closes = false }
                } else if equalsIgnoringCase(name, "transfer-encoding") {
                    chunked = true
                }
            }
            lineStart = end + 2
        }
        if chunked { return .malformed("chunked responses are not supported by this load generator") }
        let headLength = headEnd + 4
        let bodyless = status / 100 == 1 || status == 204 || status == 304
        if bodyless { return .head(status: status, length: headLength, closes: closes) }
        if let contentLength { return .head(status: status, length: headLength + contentLength, closes: closes) }
        return .head(status: status, length: nil, closes: true)
    }

    /// Index of the CR of the "\r\n\r\n" that ends the head, searching from `start`.
    private static func findHeadEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + 3 < bytes.count {
            if bytes[i + 3] != 10 {
                i += 1
                continue
            }
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 { return i }
            i += 1
        }
        return nil
    }

    private static func lineEnd(_ bytes: [UInt8], from start: Int, limit: Int) -> Int {
        var i = start
        while i < limit && !(bytes[i] == 13 && i + 1 < bytes.count && bytes[i + 1] == 10) { i += 1 }
        return i
    }

    private static func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = slice
        while let f = s.first, f == 32 || f == 9 { s = s.dropFirst() }
        while let l = s.last, l == 32 || l == 9 { s = s.dropLast() }
        return s
    }

    private static func equalsIgnoringCase(_ slice: ArraySlice<UInt8>, _ lowercase: String) -> Bool {
        let expected = lowercase.utf8
        guard slice.count == expected.count else { return false }
        return zip(slice, expected).allSatisfy { a, b in (a >= 65 && a <= 90 ? a + 32 : a) == b }
    }
}
