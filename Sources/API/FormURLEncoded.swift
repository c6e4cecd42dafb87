/// `application/x-www-form-urlencoded` decoding (WHATWG): `+` is a space, `%XX` a byte, invalid UTF-8 replaced.
enum FormURLEncoded {
    static func decode(_ body: [UInt8]) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for piece in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = piece.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((percentDecode(piece[piece.startIndex..<eq]),
                              percentDecode(piece[piece.index(after: eq)...])))
            } else {
                pairs.append((percentDecode(piece[...]), ""))
            }
        }
        return pairs
    }

    /// `plusIsSpace`: form encoding's `+`; false for URL paths, where `+` is itself.
    static func percentDecode(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") && plusIsSpace {
                out.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
                      let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
