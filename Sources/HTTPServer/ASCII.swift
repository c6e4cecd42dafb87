/// Byte-level helpers for HTTP syntax (RFC 9110 §5.6). Kept on bytes, not Characters, for speed and strictness.
enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9
    static let colon: UInt8 = 58

    /// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    static let isTokenTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for char in "!#$%&'*+-.^_`|~".utf8 { table[Int(char)] = true }
        return table
    }()

    @inline(__always) static func isToken(_ byte: UInt8) -> Bool { isTokenTable[Int(byte)] }

    /// field-vchar / SP / HTAB, with obs-text allowed; control characters and DEL are not.
    @inline(__always) static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte | 0x20 : byte
    }

    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        // utf8.count is O(1) for native strings; most mismatches (header names) differ in length.
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (l?, r?) where lower(l) == lower(r): continue
            default: return false
            }
        }
    }

    static func isToken(_ string: String) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy(isToken)
    }

    /// Splits a comma-separated field value into trimmed, non-empty elements (RFC 9110 §5.6.1).
    static func listElements(_ value: String) -> [Substring] {
        value.split(separator: ",", omittingEmptySubsequences: true)
            .map { $0.trimmingOWS() }
            .filter { !$0.isEmpty }
    }
}

extension Substring {
    func trimmingOWS() -> Substring {
        var result = self
        while let first = result.utf8.first, first == ASCII.space || first == ASCII.tab { result = result.dropFirst() }
        while let last = result.utf8.last, last == ASCII.space || last == ASCII.tab { result = result.dropLast() }
        return result
    }
}
