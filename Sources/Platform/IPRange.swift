import Glibc

/// An IP address or a CIDR range ("10.0.0.0/8", "::1", "fd00::/8"), matched against the text of a peer address
/// as the HTTP server writes it (IPv4 dotted, IPv6 as inet_ntop prints it). "unix" names the Unix-socket peers.
public struct IPRange: Sendable, Hashable, CustomStringConvertible {
    private let bytes: [UInt8]   // 4 or 16 bytes; empty for "unix"
    private let prefix: Int
    public let description: String

    /// nil when `text` is neither an address, a range nor "unix".
    public init?(_ text: String) {
        description = text
        if text == "unix" {
            bytes = []
            prefix = 0
            return
        }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPRange.parse(String(parts[0])) else { return nil }
        bytes = address
        if parts.count == 2 {
            guard let bits = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...(address.count * 8)).contains(bits) else {
                return nil
            }
            prefix = bits
        } else {
            prefix = address.count * 8
        }
    }

    /// Whether `peer` (an address as text, or "unix") lies in this range.
    public func contains(_ peer: String) -> Bool {
        if bytes.isEmpty { return peer == "unix" }
        guard let address = IPRange.parse(peer), address.count == bytes.count else { return false }
        var remaining = prefix
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[index] & mask != bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Whether `text` is an IPv4 or IPv6 literal.
    public static func isAddress(_ text: String) -> Bool { parse(text) != nil }

    /// The 4 or 16 bytes of an IPv4 or IPv6 literal.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

extension Array where Element == IPRange {
    /// Whether any range contains `peer`.
    public func containsAddress(_ peer: String) -> Bool { contains { $0.contains(peer) } }
}
