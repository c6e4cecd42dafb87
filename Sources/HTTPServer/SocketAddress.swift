import Glibc
import Platform

/// Conversions between text addresses and `sockaddr` values. No name resolution: only literals and "localhost".
enum SocketAddress {
    /// A socket address built from a host literal and port, ready for bind().
    enum Resolved {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    static func resolve(host rawHost: String, port: UInt16) throws(HTTPServerError) -> Resolved {
        var host = rawHost
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { host = "127.0.0.1" }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            return .v4(v4)
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            return .v6(v6)
        }
        throw HTTPServerError(.invalidAddress,
                              "'\(rawHost)' is not an IP address; use an IPv4 or IPv6 literal (such as 127.0.0.1 or ::1) or localhost")
    }

    /// The IP text of an accepted peer; IPv4-mapped IPv6 addresses are shown as plain IPv4 so that per-address
    /// limits see one spelling per client.
    static func ipText(_ storage: inout sockaddr_storage) -> String {
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { raw in
                var address = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
                return ntop(AF_INET, &address)
            }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { raw in
                var address = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
                let bytes = withUnsafeBytes(of: address) { Array($0) }
                if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                    return bytes[12..<16].map { String($0) }.joined(separator: ".")
                }
                return ntop(AF_INET6, &address)
            }
        case AF_UNIX:
            return "unix"
        default:
            return "unknown"
        }
    }

    /// "127.0.0.1:8000", "[::1]:8000" or "unix:/path" for a bound socket (port 0 shows the real port).
    static func localDescription(of fd: Int32) throws(HTTPServerError) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try SystemCall.value("getsockname", throwing: HTTPServerError.self) {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Int(getsockname(fd, $0, &length)) }
            }
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            let port = withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.loadUnaligned(as: sockaddr_in.self).sin_port) }
            return "\(ipText(&storage)):\(port)"
        case AF_INET6:
            let port = withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.loadUnaligned(as: sockaddr_in6.self).sin6_port) }
            var address = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in6.self).sin6_addr }
            return "[\(ntop(AF_INET6, &address))]:\(port)"
        case AF_UNIX:
            let path = withUnsafeBytes(of: &storage) { raw -> String in
                let offset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
                let end = min(Int(length), raw.count)
                guard end > offset else { return "" }
                let bytes = raw[offset..<end].prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            return "unix:\(path)"
        default:
            return "unknown"
        }
    }

    private static func ntop(_ family: Int32, _ address: inout in_addr) -> String {
        withUnsafeBytes(of: &address) { ntop(family, Array($0)) }
    }

    private static func ntop(_ family: Int32, _ address: inout in6_addr) -> String {
        withUnsafeBytes(of: &address) { ntop(family, Array($0)) }
    }

    private static func ntop(_ family: Int32, _ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address, &buffer, socklen_t(buffer.count)) != nil else { return "unknown" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
