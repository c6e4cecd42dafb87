/// Unpadded base64url (RFC 7515 §2) without Foundation, because it sits on the token-verification hot path.
enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0xFF marks bytes outside the alphabet.
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    static func encode(_ input: some Collection<UInt8>, into out: inout [UInt8]) {
        let bytes = Array(input)
        out.reserveCapacity(out.count + (bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int((v >> 12) & 63)])
            out.append(alphabet[Int((v >> 6) & 63)])
            out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int((v >> 12) & 63)])
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int((v >> 12) & 63)])
            out.append(alphabet[Int((v >> 6) & 63)])
        }
    }

    static func encode(_ input: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        encode(input, into: &out)
        return out
    }

    static func encodeString(_ input: some Collection<UInt8>) -> String {
        String(decoding: encode(input), as: UTF8.self)
    }

    /// Decodes like PyJWT 2.x: up to two trailing "=" are tolerated when they complete a 4-character group,
    /// anything outside the alphabet is refused, and so is a non-canonical final character (unused bits set),
    /// so a signature has exactly one accepted spelling.
    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var n = input.count
        var padding = 0
        while n > 0, input[n - 1] == UInt8(ascii: "=") {
            n -= 1
            padding += 1
        }
        if padding > 2 { return nil }
        if padding > 0, input.count % 4 != 0 { return nil }
        if n % 4 == 1 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(n * 3 / 4)
        var i = 0
        let table = reverse
        while i + 4 <= n {
            let a = table[Int(input[i])], b = table[Int(input[i + 1])]
            let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
            if (a | b | c | d) == 0xFF { return nil }
            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out.append(UInt8(v >> 16))
            out.append(UInt8((v >> 8) & 0xFF))
            out.append(UInt8(v & 0xFF))
            i += 4
        }
        let rest = n - i
        if rest == 2 {
            let a = table[Int(input[i])], b = table[Int(input[i + 1])]
            if (a | b) == 0xFF || b & 0x0F != 0 { return nil }
            out.append(a << 2 | b >> 4)
        } else if rest == 3 {
            let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])]
            if (a | b | c) == 0xFF || c & 0x03 != 0 { return nil }
            out.append(a << 2 | b >> 4)
            out.append((b & 0x0F) << 4 | c >> 2)
        }
        return out
    }

    static func decode(_ input: some Collection<UInt8>) -> [UInt8]? {
        let bytes = Array(input)
        return bytes.withUnsafeBufferPointer { decode($0) }
    }
}
