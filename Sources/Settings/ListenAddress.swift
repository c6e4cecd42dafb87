/// Where a listener accepts connections. Build with the static factories; switch over `kind` to bind.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `host` is an IPv4 literal, an IPv6 literal without brackets, or "localhost". Port 0 = ephemeral.
        case tcp(host: String, port: Int)
        /// `mode` is the permission bits to chmod the socket to; `group` a group name or number to chown to.
        case unix(path: String, mode: UInt32?, group: String?)
        /// Sockets passed by systemd (LISTEN_FDS).
        case systemd
    }

    public let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    public static func tcp(host: String, port: Int) -> ListenAddress { ListenAddress(.tcp(host: host, port: port)) }
    public static func unix(path: String, mode: UInt32? = nil, group: String? = nil) -> ListenAddress {
        ListenAddress(.unix(path: path, mode: mode, group: group))
    }
    public static let systemd = ListenAddress(.systemd)

    public var description: String {
        switch kind {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path, _, _): return "unix:\(path)"
        case .systemd: return "systemd"
        }
    }
}
