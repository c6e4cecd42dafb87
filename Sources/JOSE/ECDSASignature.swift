/// JOSE writes an ECDSA signature as fixed-width r‖s (RFC 7518 §3.4); OpenSSL speaks DER
/// `SEQUENCE { INTEGER r, INTEGER s }`. These two functions translate, refusing anything malformed.
enum ECDSASignature {
    /// DER → r‖s, each left-padded to `width` bytes. Nil if the DER is malformed or a value is too wide.
    static func rawFromDER(_ der: [UInt8], width: Int) -> [UInt8]? {
        var i = 0
        func readLength() -> Int? {
            guard i < der.count else { return nil }
            let first = der[i]
            i += 1
            if first < 0x80 { return Int(first) }
            guard first == 0x81, i < der.count else { return nil }  // signatures are < 256 bytes
            let length = Int(der[i])
            i += 1
            return length
        }
        func readInteger() -> [UInt8]? {
            guard i < der.count, der[i] == 0x02 else { return nil }
            i += 1
            guard let length = readLength(), length > 0, i + length <= der.count else { return nil }
            var value = Array(der[i..<(i + length)])
            i += length
            while value.count > 1, value[0] == 0 { value.removeFirst() }
            return value
        }
        guard der.count > 2, der[0] == 0x30 else { return nil }
        i = 1
        guard let total = readLength(), i + total == der.count else { return nil }
        guard let r = readInteger(), let s = readInteger(), i == der.count else { return nil }
        guard r.count <= width, s.count <= width else { return nil }
        return [UInt8](repeating: 0, count: width - r.count) + r + [UInt8](repeating: 0, count: width - s.count) + s
    }

    /// r‖s → DER. The caller has already checked the length is exactly twice the curve width.
    static func derFromRaw(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let half = raw.count / 2
        func integer(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence) -> [UInt8] {
            var v = Array(bytes.drop { $0 == 0 })
            if v.isEmpty { v = [0] }
            if v[0] & 0x80 != 0 { v.insert(0, at: 0) }  // keep it positive
            return [0x02] + length(v.count) + v
        }
        func length(_ n: Int) -> [UInt8] { n < 0x80 ? [UInt8(n)] : [0x81, UInt8(n)] }
        let body = integer(raw[0..<half]) + integer(raw[half..<raw.count])
        return [0x30] + length(body.count) + body
    }
}
