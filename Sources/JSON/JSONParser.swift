/// Recursive-descent parser over a UTF-8 buffer. It follows the structure of CPython's `_json` scanner so that
/// the first error it finds, and the position it reports, are the ones Python reports.
struct JSONParser {
    private let buf: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private var depth = 0
    /// Reused for strings that contain escapes, so each such string costs one copy, not one per character.
    private var scratch: [UInt8] = []

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        buf = buffer
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        try UTF8Check.validate(buf)
        // Python decodes the text before parsing, so a BOM is a character the parser trips over.
        if buf.count >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF {
            throw error("Unexpected UTF-8 BOM (decode using utf-8-sig)", at: 0)
        }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if pos != buf.count { throw error("Extra data", at: pos) }
        return value
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONError) -> JSONValue {
        guard pos < buf.count else { throw error("Expecting value", at: pos) }
        switch buf[pos] {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return .object(try parseObject())
        case UInt8(ascii: "["):
            return .array(try parseArray())
        case UInt8(ascii: "n") where matches("null"):
            pos += 4
            return .null
        case UInt8(ascii: "t") where matches("true"):
            pos += 4
            return .bool(true)
        case UInt8(ascii: "f") where matches("false"):
            pos += 5
            return .bool(false)
        case UInt8(ascii: "N") where matches("NaN"):
            throw constantError("NaN")
        case UInt8(ascii: "I") where matches("Infinity"):
            throw constantError("Infinity")
        case UInt8(ascii: "-") where matches("-Infinity"):
            throw constantError("-Infinity")
        default:
            return try parseNumber()
        }
    }

    private func matches(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard buf.count - pos >= n else { return false }
        let p = literal.utf8Start
        for i in 0..<n where buf[pos + i] != p[i] { return false }
        return true
    }

    private func constantError(_ name: String) -> JSONError {
        // DRF parses with parse_constant=strict_constant, which raises exactly this.
        JSONError(code: .outOfRange, message: "Out of range float values are not JSON compliant: '\(name)'",
                  offset: charOffset(pos))
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSON.maximumDepth {
            throw JSONError(code: .tooDeep, message: "Nesting deeper than \(JSON.maximumDepth) levels: \(location(pos))",
                            offset: charOffset(pos))
        }
    }

    private mutating func parseObject() throws(JSONError) -> JSONObject {
        try enter()
        pos += 1  // '{'
        var object = JSONObject()
        skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return object
        }
        while true {
            guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else {
                throw error("Expecting property name enclosed in double quotes", at: pos)
            }
            let key = try parseString()
            skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else {
                throw error("Expecting ':' delimiter", at: pos)
            }
            pos += 1
            skipWhitespace()
            let value = try parseValue()
            object[key] = value  // a repeated key keeps its first position and takes the last value, as in Python
            skipWhitespace()
            if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
                pos += 1
                break
            }
            guard pos < buf.count, buf[pos] == UInt8(ascii: ",") else {
                throw error("Expecting ',' delimiter", at: pos)
            }
            pos += 1
            skipWhitespace()
        }
        depth -= 1
        return object
    }

    private mutating func parseArray() throws(JSONError) -> [JSONValue] {
        try enter()
        pos += 1  // '['
        var array: [JSONValue] = []
        skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return array
        }
        while true {
            array.append(try parseValue())
            skipWhitespace()
            if pos < buf.count, buf[pos] == UInt8(ascii: "]") {
                pos += 1
                break
            }
            guard pos < buf.count, buf[pos] == UInt8(ascii: ",") else {
                throw error("Expecting ',' delimiter", at: pos)
            }
            pos += 1
            skipWhitespace()
        }
        depth -= 1
        return array
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONError) -> String {
        let start = pos  // the opening quote
        pos += 1
        // Fast path: no escapes, so the string is a slice of the (already validated) input.
        var i = pos
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[pos..<i]), as: UTF8.self)
                pos = i + 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("Invalid control character at", at: i) }
            i += 1
        }
        if i >= buf.count { throw error("Unterminated string starting at", at: start) }

        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[pos..<i]))
        pos = i
        while true {
            guard pos < buf.count else { throw error("Unterminated string starting at", at: start) }
            let c = buf[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw error("Invalid control character at", at: pos) }
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                pos += 1
                continue
            }
            guard pos + 1 < buf.count else { throw error("Unterminated string starting at", at: start) }
            let e = buf[pos + 1]
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                try parseUnicodeEscape()
                continue
            default:
                throw error("Invalid \\escape", at: pos)
            }
            pos += 2
        }
    }

    /// `pos` is at the backslash of `\uXXXX`; combines a surrogate pair when one follows.
    private mutating func parseUnicodeEscape() throws(JSONError) {
        let uPos = pos + 1
        guard let unit = hex4(at: pos + 2) else { throw error("Invalid \\uXXXX escape", at: uPos) }
        pos += 6
        var scalar: UInt32 = unit
        if (0xD800...0xDBFF).contains(unit) {
            guard pos + 1 < buf.count, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u") else {
                throw unpairedSurrogate(at: uPos)
            }
            guard let low = hex4(at: pos + 2) else { throw error("Invalid \\uXXXX escape", at: pos + 1) }
            guard (0xDC00...0xDFFF).contains(low) else { throw unpairedSurrogate(at: uPos) }
            pos += 6
            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw unpairedSurrogate(at: uPos)
        }
        appendUTF8(scalar)
    }

    private func unpairedSurrogate(at offset: Int) -> JSONError {
        // Python keeps lone surrogates, but a Swift String cannot hold them; refusing beats silently replacing.
        error("Unpaired surrogate in \\uXXXX escape", at: offset)
    }

    private func hex4(at i: Int) -> UInt32? {
        guard i + 4 <= buf.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = buf[i + k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    private mutating func appendUTF8(_ s: UInt32) {
        switch s {
        case 0..<0x80:
            scratch.append(UInt8(s))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (s >> 6)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (s >> 12)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (s >> 18)))
            scratch.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    // MARK: - Numbers

    /// Python's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, where an incomplete fraction or
    /// exponent is simply not part of the number (so "1." parses "1" and then fails on ".").
    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = pos
        var i = pos
        if buf[i] == UInt8(ascii: "-") { i += 1 }
        guard i < buf.count, isDigit(buf[i]) else { throw error("Expecting value", at: start) }
        if buf[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        }
        let integerEnd = i
        var isInteger = true
        if i + 1 < buf.count, buf[i] == UInt8(ascii: "."), isDigit(buf[i + 1]) {
            i += 2
            while i < buf.count, isDigit(buf[i]) { i += 1 }
            isInteger = false
        }
        if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < buf.count, buf[j] == UInt8(ascii: "+") || buf[j] == UInt8(ascii: "-") { j += 1 }
            if j < buf.count, isDigit(buf[j]) {
                while j < buf.count, isDigit(buf[j]) { j += 1 }
                i = j
                isInteger = false
            }
        }
        pos = i
        if isInteger, let v = parseInt64(start, integerEnd) { return .int(v) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw JSONError(code: .outOfRange, message: "Number out of range: \(location(start))", offset: charOffset(start))
        }
        return .double(d)
    }

    private func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Nil when the integer does not fit Int64 (the caller then falls back to a double).
    private func parseInt64(_ start: Int, _ end: Int) -> Int64? {
        var i = start
        let negative = buf[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var v: Int64 = 0
        while i < end {
            let d = Int64(buf[i] &- UInt8(ascii: "0"))
            // Accumulate negatively so Int64.min is representable.
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(d)
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        if negative { return v }
        return v == Int64.min ? nil : -v
    }

    // MARK: - Positions and errors

    private mutating func skipWhitespace() {
        while pos < buf.count {
            switch buf[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    /// Python counts characters, not bytes: count the bytes that start a scalar.
    private func charOffset(_ byteOffset: Int) -> Int {
        var n = 0
        for i in 0..<min(byteOffset, buf.count) where buf[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    private func location(_ byteOffset: Int) -> String {
        let end = min(byteOffset, buf.count)
        var line = 1
        var column = 1
        for i in 0..<end {
            let c = buf[i]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
        }
        return "line \(line) column \(column) (char \(charOffset(byteOffset)))"
    }

    private func error(_ message: String, at byteOffset: Int) -> JSONError {
        JSONError(code: .syntax, message: "\(message): \(location(byteOffset))", offset: charOffset(byteOffset))
    }
}
