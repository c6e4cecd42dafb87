/// Formats a Double the way Python's `repr(float)` does (and so `json.dumps`): the shortest digits that
/// round-trip, positional notation for decimal exponents in [-4, 16), scientific ("1e+16", "1e-05") outside,
/// and a ".0" on integral values.
enum PythonFloat {
    static func write(_ value: Double, into out: inout [UInt8]) {
        if value.isNaN { return out.append(contentsOf: Array("NaN".utf8)) }
        if value.isInfinite { return out.append(contentsOf: Array((value < 0 ? "-Infinity" : "Infinity").utf8)) }
        // Swift's description already yields the shortest round-trip digits; only the layout differs.
        let (negative, digits, decpt) = decompose(value.description)
        if negative { out.append(UInt8(ascii: "-")) }
        if decpt > -4 && decpt <= 16 {
            if decpt <= 0 {
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "."))
                for _ in 0..<(-decpt) { out.append(UInt8(ascii: "0")) }
                out.append(contentsOf: digits)
            } else if digits.count <= decpt {
                out.append(contentsOf: digits)
                for _ in 0..<(decpt - digits.count) { out.append(UInt8(ascii: "0")) }
                out.append(UInt8(ascii: "."))
                out.append(UInt8(ascii: "0"))
            } else {
                out.append(contentsOf: digits[0..<decpt])
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[decpt...])
            }
        } else {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            let exponent = decpt - 1
            out.append(UInt8(ascii: "e"))
            out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = abs(exponent)
            if magnitude < 10 { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: Array(String(magnitude).utf8))
        }
    }

    /// Splits Swift's rendering ("-1.25e-07", "1000.0", "5e-324") into sign, significant digits without
    /// leading/trailing zeros, and the decimal point position (value = 0.DIGITS × 10^decpt).
    static func decompose(_ text: String) -> (Bool, [UInt8], Int) {
        var negative = false
        var digits: [UInt8] = []
        var decpt = 0
        var seenPoint = false
        var exponent = 0
        var utf8 = Array(text.utf8)[...]
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        var leadingZeros = true
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: ".") {
                seenPoint = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exponent = Int(String(decoding: utf8[(i + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                if leadingZeros && c == UInt8(ascii: "0") {
                    if seenPoint { decpt -= 1 }
                } else {
                    leadingZeros = false
                    digits.append(c)
                    if !seenPoint { decpt += 1 }
                }
            }
            i += 1
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { return (negative, [UInt8(ascii: "0")], 1) }
        return (negative, digits, decpt + exponent)
    }
}
