/// Where the server listens. Built only through the static factories, so new kinds can be added later.
public struct ListenerSpec: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case tcp(host: String, port: UInt16)
        case unix(path: String, mode: UInt32?, group: String?)
        case inherited(fd: Int32)
    }

    let kind: Kind
    /// Copied into every `HTTPRequest.listenerTag` received on this listener (for example, its delivery mode).
    public let tag: Int

    /// A TCP listener. `host` is an IPv4 or IPv6 literal ("127.0.0.1", "::1", "[::1]", "0.0.0.0", "::")
    /// or "localhost" (127.0.0.1). Names are not resolved, so start-up never waits on DNS. Port 0 picks a free port.
    public static func tcp(host: String, port: UInt16, tag: Int = 0) -> ListenerSpec {
        ListenerSpec(kind: .tcp(host: host, port: port), tag: tag)
    }

    /// A unix stream socket at `path`. A stale socket file is replaced; a live one or a non-socket is refused.
    /// `mode` (default 0o660: owner and group) and `group` are applied before the socket starts listening.
    public static func unix(path: String, mode: UInt32? = nil, group: String? = nil, tag: Int = 0) -> ListenerSpec {
        ListenerSpec(kind: .unix(path: path, mode: mode, group: group), tag: tag)
    }

    /// An already listening socket handed over by systemd (LISTEN_FDS, from fd 3). The server takes ownership
    /// and closes it on shutdown.
    public static func inherited(fd: Int32, tag: Int = 0) -> ListenerSpec {
        ListenerSpec(kind: .inherited(fd: fd), tag: tag)
    }

    public var description: String {
        switch kind {
        case let .tcp(host, port): return host.contains(":") && !host.hasPrefix("[") ? "tcp [\(host)]:\(port)" : "tcp \(host):\(port)"
        case let .unix(path, _, _): return "unix \(path)"
        case let .inherited(fd): return "inherited fd \(fd)"
        }
    }
}
