/// Standard base64 with padding, as Python's base64.b64encode writes the hash part of a Django hash.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [sextet(value, 18), sextet(value, 12), sextet(value, 6), sextet(value, 0)]
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let value = UInt32(bytes[index]) << 16
            out += [sextet(value, 18), sextet(value, 12), UInt8(ascii: "="), UInt8(ascii: "=")]
        case 2:
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [sextet(value, 18), sextet(value, 12), sextet(value, 6), UInt8(ascii: "=")]
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func sextet(_ value: UInt32, _ shift: UInt32) -> UInt8 {
        alphabet[Int((value >> shift) & 0x3F)]
    }
}
