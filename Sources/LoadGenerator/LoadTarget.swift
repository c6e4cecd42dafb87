import Glibc
import Platform

/// Where the load goes: a TCP address (IPv4 or bracketed IPv6 literal, no name lookup) or a Unix socket path.
public struct LoadTarget: Sendable, Equatable, CustomStringConvertible {
    enum Address: Sendable, Equatable {
        case ipv4(host: String, port: UInt16)
        case ipv6(host: String, port: UInt16)
        case unix(path: String)
    }

    let address: Address

    public static func tcp(host: String, port: UInt16) throws(LoadError) -> LoadTarget {
        try parse(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
    }

    public static func unix(path: String) throws(LoadError) -> LoadTarget {
        guard !path.isEmpty, path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw LoadError(.invalidTarget, "the Unix socket path must be 1 to 107 bytes long")
        }
        return LoadTarget(address: .unix(path: path))
    }

    /// `127.0.0.1:8000`, `[::1]:8000`, `http://127.0.0.1:8000`, or `unix:/run/authd/authd.sock`.
    public static func parse(_ text: String) throws(LoadError) -> LoadTarget {
        if text.hasPrefix("unix:") { return try unix(path: String(text.dropFirst(5))) }
        var rest = Substring(text)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]), port != 0 else {
            throw LoadError(.invalidTarget, "\"\(text)\" is not HOST:PORT (an IP literal and a port 1-65535) or unix:PATH")
        }
        var host = String(rest[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            var probe = in6_addr()
            guard inet_pton(AF_INET6, host, &probe) == 1 else {
                throw LoadError(.invalidTarget, "\"\(host)\" is not an IPv6 address literal")
            }
            return LoadTarget(address: .ipv6(host: host, port: port))
        }
        var probe = in_addr()
        guard inet_pton(AF_INET, host, &probe) == 1 else {
            throw LoadError(.invalidTarget, "\"\(host)\" is not an IPv4 address literal; names are not resolved, use 127.0.0.1")
        }
        return LoadTarget(address: .ipv4(host: host, port: port))
    }

    public var description: String {
        switch address {
        case let .ipv4(host, port): return "\(host):\(port)"
        case let .ipv6(host, port): return "[\(host)]:\(port)"
        case let .unix(path): return "unix:\(path)"
        }
    }

    /// The value of the Host header.
    var hostHeader: String {
        switch address {
        case .unix: return "localhost"
        default: return description
        }
    }

    var isTCP: Bool {
        if case .unix = address { return false }
        return true
    }

    /// Starts a non-blocking connect. Returns the socket (owned by the caller) or the call that failed.
    func startConnect() -> Result<FileDescriptor, SystemCallError> {
        do {
            return .success(try connectSocket())
        } catch {
            return .failure(error)
        }
    }

    private func connectSocket() throws(SystemCallError) -> FileDescriptor {
        let family: Int32
        switch address {
        case .ipv4: family = AF_INET
        case .ipv6: family = AF_INET6
        case .unix: family = AF_UNIX
        }
        // SOCK_STREAM is 1 on Linux; Swift's Glibc module does not export the constant.
        let socket = FileDescriptor(Int32(try SystemCall.value("socket") { Int(Glibc.socket(family, 1, 0)) }))
        try socket.setNonBlocking()
        let fd = socket.raw
        if isTCP {
            var on: Int32 = 1
            // Requests are written whole; Nagle would only add delay.
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        let rc: Int32
        switch address {
        case let .ipv4(host, port):
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, host, &addr.sin_addr)
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case let .ipv6(host, port):
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, host, &addr.sin6_addr)
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        case let .unix(path):
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                let bytes = Array(path.utf8)
                raw.copyBytes(from: bytes.prefix(raw.count - 1))
            }
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
        // Not through SystemCall: EINPROGRESS is a non-blocking connect's success, and a connect interrupted by
        // a signal goes on in the background, so retrying it would fail (EALREADY). EAGAIN (a Unix socket's
        // backlog is full) is an error the caller retries a little later.
        let code = errno
        if rc != 0 && code != EINPROGRESS { throw SystemCallError("connect", errno: code) }
        return socket
    }
}
