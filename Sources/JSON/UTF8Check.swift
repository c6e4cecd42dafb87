/// Strict UTF-8 validation with CPython's error wording, because Python decodes a request body before
/// parsing it and DRF reports that failure as "JSON parse error - 'utf-8' codec can't decode …".
enum UTF8Check {
    static func validate(_ buf: UnsafeBufferPointer<UInt8>) throws(JSONError) {
        var i = 0
        let n = buf.count
        while i < n {
            let lead = buf[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; high = 0x9F  // no UTF-16 surrogates
            case 0xF0: need = 3; low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; high = 0x8F  // nothing above U+10FFFF
            default: throw failure(buf, i, 1, "invalid start byte")
            }
            var k = 1
            while k <= need {
                guard i + k < n else { throw failure(buf, i, k, "unexpected end of data") }
                let c = buf[i + k]
                let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard c >= lo, c <= hi else { throw failure(buf, i, k, "invalid continuation byte") }
                k += 1
            }
            i += need + 1
        }
    }

    private static func failure(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int, _ reason: String)
        -> JSONError
    {
        let what: String
        if length == 1 {
            what = "byte 0x\(hex2(buf[start])) in position \(start)"
        } else {
            what = "bytes in position \(start)-\(start + length - 1)"
        }
        return JSONError(code: .invalidUTF8, message: "'utf-8' codec can't decode \(what): \(reason)")
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
