/// Writes responses onto a connection's output buffer. The server owns framing: it always sends
/// Content-Length and decides Connection; a response with a header that would break framing is replaced by a 500.
enum ResponseSerializer {
    static func append(_ original: HTTPResponse, isHead: Bool, closes: Bool, isHTTP10: Bool, date: [UInt8],
                       to output: inout [UInt8]) {
        var response = original
        if !isValid(response) {
            response = .error(500, "The server produced an invalid response.")
        }
        let status = response.status
        let bodyAllowed = status != 204 && status != 304
        output.append(contentsOf: statusLine(status))
        var hasDate = false
        for (name, value) in response.headers {
            if ASCII.equalsIgnoringCase(name, "content-length") || ASCII.equalsIgnoringCase(name, "transfer-encoding")
                || ASCII.equalsIgnoringCase(name, "connection") {
                continue
            }
            if ASCII.equalsIgnoringCase(name, "date") { hasDate = true }
            output.append(contentsOf: name.utf8)
            output.append(contentsOf: ": ".utf8)
            output.append(contentsOf: value.utf8)
            output.append(contentsOf: "\r\n".utf8)
        }
        if !hasDate && !date.isEmpty {
            output.append(contentsOf: "Date: ".utf8)
            output.append(contentsOf: date)
            output.append(contentsOf: "\r\n".utf8)
        }
        if closes {
            output.append(contentsOf: "Connection: close\r\n".utf8)
        } else if isHTTP10 {
            output.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        if bodyAllowed {
            output.append(contentsOf: contentLengthPrefix)
            appendDecimal(response.body.count, to: &output)
            output.append(contentsOf: crlf)
        }
        output.append(contentsOf: "\r\n".utf8)
        if bodyAllowed && !isHead {
            output.append(contentsOf: response.body)
        }
    }

    /// Status lines of the statuses authd answers most, serialised once.
    private static let commonStatusLines: [Int: [UInt8]] = {
        var lines: [Int: [UInt8]] = [:]
        for status in [200, 400, 401, 404, 405, 415, 503] {
            lines[status] = Array("HTTP/1.1 \(status) \(reasonPhrase(status))\r\n".utf8)
        }
        return lines
    }()

    private static func statusLine(_ status: Int) -> [UInt8] {
        commonStatusLines[status] ?? Array("HTTP/1.1 \(status) \(reasonPhrase(status))\r\n".utf8)
    }

    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let contentLengthPrefix = Array("Content-Length: ".utf8)
    private static let crlf = Array("\r\n".utf8)

    /// A non-negative count in decimal ASCII, without building a String (every response has one).
    static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        precondition(value >= 0, "a byte count is never negative")
        if value >= 10 { appendDecimal(value / 10, to: &output) }
        output.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Whether the responder asked for the connection to close after this response.
    static func asksToClose(_ response: HTTPResponse) -> Bool {
        response.headers.values(for: "connection").contains { value in
            ASCII.listElements(value).contains { ASCII.equalsIgnoringCase(String($0), "close") }
        }
    }

    /// Final statuses only (interim ones are the server's business), and no CR/LF smuggled into headers.
    private static func isValid(_ response: HTTPResponse) -> Bool {
        guard (200...999).contains(response.status) else { return false }
        for (name, value) in response.headers {
            var value = value  // withUTF8 may need to make a bridged string contiguous; ours already are
            guard ASCII.isToken(name), value.withUTF8({ $0.allSatisfy(ASCII.isFieldValueByte) }) else { return false }
        }
        return true
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 417: return "Expectation Failed"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return ""
        }
    }
}
