/// Writes compact JSON exactly as CPython's `json.dumps(v, separators=(",", ":"))` would.
struct JSONSerializer {
    private(set) var bytes: [UInt8] = []
    private let escapeNonASCII: Bool

    init(escapeNonASCII: Bool) {
        self.escapeNonASCII = escapeNonASCII
        bytes.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): writeInt(i)
        case .double(let d): PythonFloat.write(d, into: &bytes)
        case .string(let s): write(s)
        case .array(let a):
            bytes.append(UInt8(ascii: "["))
            for (n, element) in a.enumerated() {
                if n > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let o): write(o)
        }
    }

    mutating func write(_ object: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (k, v) in object.entries {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            write(k)
            bytes.append(UInt8(ascii: ":"))
            write(v)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func append(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func writeInt(_ value: Int64) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // magnitude as UInt64 so Int64.min does not overflow
        var m = value.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { raw in
            while m > 0 {
                raw[n] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                n += 1
            }
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(raw[k]) }
        }
    }

    private mutating func write(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = string
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            while i < utf8.count {
                let c = utf8[i]
                let plain = c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\")
                    && (c < 0x7F || (!escapeNonASCII))
                if plain {
                    i += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                if c >= 0x7F {
                    // ensure_ascii: one \uXXXX per UTF-16 unit, lowercase hex as Python writes it
                    let (scalar, length) = decodeScalar(utf8, i)
                    if scalar >= 0x10000 {
                        let v = scalar - 0x10000
                        writeEscapedUnit(0xD800 + (v >> 10))
                        writeEscapedUnit(0xDC00 + (v & 0x3FF))
                    } else {
                        writeEscapedUnit(scalar)
                    }
                    i += length
                } else {
                    bytes.append(UInt8(ascii: "\\"))
                    switch c {
                    case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                    case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                    case 0x0A: bytes.append(UInt8(ascii: "n"))
                    case 0x0D: bytes.append(UInt8(ascii: "r"))
                    case 0x09: bytes.append(UInt8(ascii: "t"))
                    case 0x08: bytes.append(UInt8(ascii: "b"))
                    case 0x0C: bytes.append(UInt8(ascii: "f"))
                    default:
                        bytes.removeLast()
                        writeEscapedUnit(UInt32(c))
                    }
                    i += 1
                }
                runStart = i
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscapedUnit(_ unit: UInt32) {
        let hex: StaticString = "0123456789abcdef"
        let h = hex.utf8Start
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "u"))
        bytes.append(h[Int((unit >> 12) & 0xF)])
        bytes.append(h[Int((unit >> 8) & 0xF)])
        bytes.append(h[Int((unit >> 4) & 0xF)])
        bytes.append(h[Int(unit & 0xF)])
    }

    /// Decodes one scalar from valid UTF-8 (a Swift String's storage always is).
    private func decodeScalar(_ u: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
        let b0 = UInt32(u[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0, i + 1 < u.count { return ((b0 & 0x1F) << 6 | UInt32(u[i + 1] & 0x3F), 2) }
        if b0 < 0xF0, i + 2 < u.count {
            return ((b0 & 0x0F) << 12 | UInt32(u[i + 1] & 0x3F) << 6 | UInt32(u[i + 2] & 0x3F), 3)
        }
        if i + 3 < u.count {
            return ((b0 & 0x07) << 18 | UInt32(u[i + 1] & 0x3F) << 12 | UInt32(u[i + 2] & 0x3F) << 6
                | UInt32(u[i + 3] & 0x3F), 4)
        }
        return (0xFFFD, 1)
    }
}
