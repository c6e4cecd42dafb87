import JSON

/// A claim as a response header value for the proxy to pass upstream. Printable ASCII goes as it is; anything
/// else (CR, LF, NUL, other control characters, non-ASCII) is percent-encoded as UTF-8, the way JavaScript's
/// `encodeURIComponent` would, so nothing a claim holds can split or forge a header. Lists are joined with
/// commas (an element that holds a comma is percent-encoded); null and overlong values are left out.
enum ClaimHeaderValue {
    /// nginx's default buffer for an upstream's headers is 4 KiB; a longer value would turn every request into a 502.
    static let maxBytes = 2048

    static func render(_ value: JSONValue) -> String? {
        let text: String
        switch value {
        case .null: return nil
        case .string(let s): text = encoded(s, listElement: false)
        case .array(let items):
            text = items.compactMap { item -> String? in
                switch item {
                case .null: return nil
                case .string(let s): return encoded(s, listElement: true)
                default: return encoded(JSON.serializeString(item), listElement: true)
                }
            }.joined(separator: ",")
        default: text = encoded(JSON.serializeString(value), listElement: false)
        }
        return text.utf8.count <= maxBytes ? text : nil
    }

    static func encoded(_ text: String, listElement: Bool) -> String {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if plain && !(listElement && text.utf8.contains(UInt8(ascii: ","))) { return text }
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") && byte != UInt8(ascii: ",") {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
