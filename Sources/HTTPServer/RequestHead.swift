/// A parsed and validated request line plus header section, waiting for its body.
struct RequestHead {
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    var method: String
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: BodyFraming
    var keepAlive: Bool
    var expectsContinue: Bool

    /// Parses the bytes of a complete head (request line, header lines, final empty line). The line structure
    /// (every CR followed by LF, no bare LF) was already checked while scanning for the end of the head.
    static func parse(_ bytes: UnsafeRawBufferPointer, maxBodyBytes: Int) -> Result<RequestHead, ParseFailure> {
        var lines = LineCursor(bytes: bytes)
        lines.skipEmptyLines()
        guard let requestLine = lines.next() else { return .failure(.badRequest("Missing request line.")) }
        let method: String, target: String, version: HTTPVersion
        switch parseRequestLine(UnsafeRawBufferPointer(rebasing: bytes[requestLine])) {
        case let .success(parts): (method, target, version) = parts
        case let .failure(failure): return .failure(failure)
        }

        var headers = HTTPHeaders()
        while let line = lines.next(), !line.isEmpty {
            switch parseField(UnsafeRawBufferPointer(rebasing: bytes[line])) {
            case let .success(field): headers.add(field.name, field.value)
            case let .failure(failure): return .failure(failure)
            }
        }
        return interpret(method: method, target: target, version: version, headers: headers, maxBodyBytes: maxBodyBytes)
    }

    /// request-line = method SP request-target SP HTTP-version, with exactly one space between parts.
    static func parseRequestLine(_ line: UnsafeRawBufferPointer) -> Result<(String, String, HTTPVersion), ParseFailure> {
        let malformed = ParseFailure.badRequest("Malformed request line.")
        guard let firstSpace = line.firstIndex(of: ASCII.space), firstSpace > 0 else { return .failure(malformed) }
        let methodBytes = line[..<firstSpace]
        guard methodBytes.allSatisfy(ASCII.isToken) else { return .failure(malformed) }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: ASCII.space), secondSpace > rest.startIndex else { return .failure(malformed) }
        let targetBytes = line[rest.startIndex..<secondSpace]
        let versionBytes = line[(secondSpace + 1)...]
        // The target is visible ASCII only; a fragment is never sent to a server.
        guard targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }) else {
            return .failure(.badRequest("Malformed request target."))
        }
        let version: HTTPVersion
        switch parseVersion(versionBytes) {
        case let .success(parsed): version = parsed
        case let .failure(failure): return .failure(failure)
        }
        let method = String(decoding: methodBytes, as: UTF8.self)
        let target = String(decoding: targetBytes, as: UTF8.self)
        guard isAcceptedTargetForm(target, method: method) else { return .failure(.badRequest("Malformed request target.")) }
        return .success((method, target, version))
    }

    /// "HTTP/1.1" and "HTTP/1.0" are served; another well-formed HTTP/d.d is 505; anything else is 400.
    static func parseVersion(_ bytes: Slice<UnsafeRawBufferPointer>) -> Result<HTTPVersion, ParseFailure> {
        let prefix = Array("HTTP/".utf8)
        guard bytes.count == 8, bytes.starts(with: prefix) else { return .failure(.badRequest("Malformed HTTP version.")) }
        let major = bytes[bytes.startIndex + 5], dot = bytes[bytes.startIndex + 6], minor = bytes[bytes.startIndex + 7]
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard digits.contains(major), dot == UInt8(ascii: "."), digits.contains(minor) else {
            return .failure(.badRequest("Malformed HTTP version."))
        }
        let version = HTTPVersion(major: Int(major - UInt8(ascii: "0")), minor: Int(minor - UInt8(ascii: "0")))
        guard version == .http1_1 || version == .http1_0 else {
            return .failure(ParseFailure(505, "Only HTTP/1.0 and HTTP/1.1 are supported."))
        }
        return .success(version)
    }

    /// origin-form ("/path"), absolute-form ("http://host/path") and "*" for OPTIONS; authority-form (CONNECT)
    /// is refused because this is not a proxy.
    static func isAcceptedTargetForm(_ target: String, method: String) -> Bool {
        if target.utf8.first == UInt8(ascii: "/") { return true }
        if target == "*" { return method == "OPTIONS" }
        let lower = target.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// field-line = field-name ":" OWS field-value OWS. Folding and whitespace before the colon are refused
    /// (RFC 9112 §5.1, §5.2): both have been used to smuggle requests past proxies.
    static func parseField(_ line: UnsafeRawBufferPointer) -> Result<(name: String, value: String), ParseFailure> {
        guard let first = line.first else { return .failure(.badRequest("Empty header line.")) }
        if first == ASCII.space || first == ASCII.tab {
            return .failure(.badRequest("Obsolete line folding in headers is not allowed."))
        }
        var index = 0
        while index < line.count, ASCII.isToken(line[index]) { index += 1 }
        guard index < line.count else { return .failure(.badRequest("Header line without a colon.")) }
        let stop = line[index]
        if stop == ASCII.space || stop == ASCII.tab {
            return .failure(.badRequest("Whitespace between a header name and the colon is not allowed."))
        }
        guard stop == ASCII.colon, index > 0 else { return .failure(.badRequest("Invalid header name.")) }
        let name = String(decoding: line[..<index], as: UTF8.self)
        var start = index + 1
        var end = line.count
        while start < end, line[start] == ASCII.space || line[start] == ASCII.tab { start += 1 }
        while end > start, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab { end -= 1 }
        let valueBytes = line[start..<end]
        guard valueBytes.allSatisfy(ASCII.isFieldValueByte) else {
            return .failure(.badRequest("Invalid character in header \(name)."))
        }
        return .success((name, String(decoding: valueBytes, as: UTF8.self)))
    }

    /// Applies the framing and connection rules of RFC 9112 §6 and §9, refusing every ambiguity.
    static func interpret(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders,
                          maxBodyBytes: Int) -> Result<RequestHead, ParseFailure> {
        var hosts = 0
        var lengths: [String] = []
        var codings: [String] = []
        var connection: [String] = []
        var expectations: [String] = []
        for (name, value) in headers {
            if ASCII.equalsIgnoringCase(name, "host") { hosts += 1 }
            else if ASCII.equalsIgnoringCase(name, "content-length") { lengths.append(value) }
            else if ASCII.equalsIgnoringCase(name, "transfer-encoding") { codings.append(value) }
            else if ASCII.equalsIgnoringCase(name, "connection") { connection.append(value) }
            else if ASCII.equalsIgnoringCase(name, "expect") { expectations.append(value) }
        }
        if hosts > 1 { return .failure(.badRequest("More than one Host header.")) }
        if hosts == 0 && version == .http1_1 { return .failure(.badRequest("Missing Host header.")) }

        let framing: BodyFraming
        if !codings.isEmpty {
            if !lengths.isEmpty { return .failure(.badRequest("Content-Length and Transfer-Encoding together are not allowed.")) }
            if version == .http1_0 { return .failure(.badRequest("Transfer-Encoding is not allowed in HTTP/1.0.")) }
            let elements = codings.flatMap { ASCII.listElements($0) }
            guard elements.count == 1, ASCII.equalsIgnoringCase(String(elements[0]), "chunked") else {
                return .failure(.badRequest("Only the chunked transfer coding is supported."))
            }
            framing = .chunked
        } else if !lengths.isEmpty {
            switch contentLength(lengths, maxBodyBytes: maxBodyBytes) {
            case let .success(length): framing = length == 0 ? .none : .length(length)
            case let .failure(failure): return .failure(failure)
            }
        } else {
            framing = .none
        }

        var expectsContinue = false
        if !expectations.isEmpty && version == .http1_1 {
            let elements = expectations.flatMap { ASCII.listElements($0) }
            guard elements.allSatisfy({ ASCII.equalsIgnoringCase(String($0), "100-continue") }) else {
                return .failure(ParseFailure(417, "Only the 100-continue expectation is supported."))
            }
            expectsContinue = framing != .none
        }

        let options = connection.flatMap { ASCII.listElements($0) }.map { $0.lowercased() }
        let keepAlive = version == .http1_1 ? !options.contains("close")
                                            : options.contains("keep-alive") && !options.contains("close")
        return .success(RequestHead(method: method, target: target, version: version, headers: headers,
                                    framing: framing, keepAlive: keepAlive, expectsContinue: expectsContinue))
    }

    /// Content-Length must be one field of plain digits. RFC 9110 §8.6 lets a recipient accept a list of identical
    /// values ("2, 2") or a repeated field; strict servers refuse both, since proxies disagree about them.
    static func contentLength(_ values: [String], maxBodyBytes: Int) -> Result<Int, ParseFailure> {
        guard values.count == 1, let element = values.first else {
            return .failure(.badRequest("More than one Content-Length header."))
        }
        guard !element.isEmpty, element.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(.badRequest("Invalid Content-Length."))
        }
        // Saturate instead of overflowing: anything this large is refused as too big below.
        var length = 0
        for digit in element.utf8 {
            length = length > (Int.max - 9) / 10 ? Int.max : length * 10 + Int(digit - UInt8(ascii: "0"))
        }
        if length > maxBodyBytes { return .failure(ParseFailure(413, "Request body is larger than \(maxBodyBytes) bytes.")) }
        return .success(length)
    }
}

/// Walks CRLF-terminated lines of an already validated head.
struct LineCursor {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func skipEmptyLines() {
        while position + 1 < bytes.count, bytes[position] == ASCII.cr, bytes[position + 1] == ASCII.lf { position += 2 }
    }

    /// The next line without its CRLF, or nil at the end.
    mutating func next() -> Range<Int>? {
        guard position < bytes.count else { return nil }
        var end = position
        while end < bytes.count, bytes[end] != ASCII.cr { end += 1 }
        let line = position..<end
        position = min(bytes.count, end + 2)
        return line
    }
}
