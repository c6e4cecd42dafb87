import CEpoll
import Glibc
import Platform
import Synchronization

/// One bound, listening socket. Every event loop accepts from it (registered with EPOLLEXCLUSIVE, so one loop
/// wakes per connection); it is closed once, after every loop has removed it from its epoll set for good
/// (`ListenerRelease`). That ordering is why the shared, read-only use from several threads is safe.
final class Listener: @unchecked Sendable {
    enum Family { case tcp, unix }

    let socket: FileDescriptor
    let family: Family
    let tag: Int
    /// "127.0.0.1:8000", "[::1]:8000", "unix:/run/authd/authd.sock".
    let address: String
    /// Set only for sockets this server created on a path, so only those are unlinked.
    private let ownedPath: UnixSocketPath?
    private let closed = Mutex(false)

    init(socket: FileDescriptor, family: Family, tag: Int, address: String, ownedPath: UnixSocketPath?) {
        self.socket = socket
        self.family = family
        self.tag = tag
        self.address = address
        self.ownedPath = ownedPath
    }

    /// Binds and listens as `spec` says.
    static func open(_ spec: ListenerSpec) throws(HTTPServerError) -> Listener {
        switch spec.kind {
        case let .tcp(host, port): return try openTCP(host: host, port: port, tag: spec.tag)
        case let .unix(path, mode, group): return try openUnix(path: path, mode: mode, group: group, tag: spec.tag)
        case let .inherited(fd): return try adopt(fd: fd, tag: spec.tag)
        }
    }

    /// Closes the socket and removes the socket file, if it is still the one this server created. Only the
    /// first call acts; callers guarantee no loop uses the socket any more.
    func close() {
        closed.withLock { closed in
            guard !closed else { return }
            closed = true
            socket.close()
            ownedPath?.removeIfStillOurs()
        }
    }

    /// Makes the kernel refuse new connections at once (Linux: shutdown() on a listening socket stops it
    /// listening, for TCP and unix alike), while the descriptor stays open until no loop watches it.
    func stopListening() {
        closed.withLock { closed in
            guard !closed else { return }
            // Failure leaves the socket listening until it is closed, which shutdown also does shortly after.
            _ = try? SystemCall.value("shutdown") { Int(Glibc.shutdown(socket.raw, Int32(SHUT_RDWR))) }
        }
    }

    static let backlog: Int32 = 4096

    private static func openTCP(host: String, port: UInt16, tag: Int) throws(HTTPServerError) -> Listener {
        let resolved = try SocketAddress.resolve(host: host, port: port)
        let family: Int32
        switch resolved {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        }
        let socket = try newSocket(family: family)
        var on: Int32 = 1
        _ = try SystemCall.value("setsockopt(SO_REUSEADDR)", throwing: HTTPServerError.self) {
            Int(setsockopt(socket.raw, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)))
        }
        let display = family == AF_INET6 ? "[\(host.trimmingBrackets)]:\(port)" : "\(host):\(port)"
        do {
            switch resolved {
            case var .v4(address):
                _ = try SystemCall.value("bind", context: display, throwing: HTTPServerError.self) {
                    withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            Int(bind(socket.raw, $0, socklen_t(MemoryLayout<sockaddr_in>.size)))
                        }
                    }
                }
            case var .v6(address):
                _ = try SystemCall.value("bind", context: display, throwing: HTTPServerError.self) {
                    withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            Int(bind(socket.raw, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)))
                        }
                    }
                }
            }
        } catch where error.code == .addressInUse {
            throw HTTPServerError(.addressInUse, "\(display) is already in use by another process; stop it or choose another port",
                                  errno: error.errno)
        }
        _ = try SystemCall.value("listen", context: display, throwing: HTTPServerError.self) {
            Int(listen(socket.raw, backlog))
        }
        let address = try SocketAddress.localDescription(of: socket.raw)
        return Listener(socket: socket, family: .tcp, tag: tag, address: address, ownedPath: nil)
    }

    private static func openUnix(path: String, mode: UInt32?, group: String?, tag: Int) throws(HTTPServerError) -> Listener {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard !pathBytes.isEmpty, pathBytes.count < capacity, !pathBytes.contains(0) else {
            throw HTTPServerError(.invalidAddress, "unix socket path '\(path)' must be 1 to \(capacity - 1) bytes long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        // Resolve the group before touching the file system, so a typo leaves nothing behind.
        let groupID = try group.map { name throws(HTTPServerError) in try UnixSocketPath.groupID(named: name) }
        try UnixSocketPath.clearStale(path)

        let socket = try newSocket(family: AF_UNIX)
        do {
            _ = try SystemCall.value("bind", context: path, throwing: HTTPServerError.self) {
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Int(bind(socket.raw, $0, socklen_t(MemoryLayout<sockaddr_un>.size)))
                    }
                }
            }
        } catch where error.errno == ENOENT {
            // The parent directory is not created here: its owner and mode are the administrator's decision.
            throw HTTPServerError(.invalidAddress, "the directory of \(path) does not exist; create it (systemd: RuntimeDirectory=)",
                                  errno: ENOENT)
        }
        let owned = try UnixSocketPath.claim(path)
        do {
            // Ownership and mode are set before listen(), so no client ever connects under the umask's mode.
            // Skipped when the socket already has the group (a daemon running as that group, as authd.service
            // does), so a seccomp filter that denies chown (SystemCallFilter=~@privileged) costs nothing.
            var info = stat()
            if let groupID, let group, stat(path, &info) != 0 || info.st_gid != groupID {
                _ = try SystemCall.value("chown", context: "\(path) to group \(group)",
                                         throwing: HTTPServerError.self) {
                    Int(chown(path, uid_t.max, groupID))
                }
            }
            if let mode {
                _ = try SystemCall.value("chmod", context: "\(path) to \(String(mode, radix: 8))",
                                         throwing: HTTPServerError.self) {
                    Int(chmod(path, mode_t(mode)))
                }
            }
            _ = try SystemCall.value("listen", context: path, throwing: HTTPServerError.self) {
                Int(listen(socket.raw, backlog))
            }
        } catch {
            socket.close()
            owned.removeIfStillOurs()
            throw error
        }
        return Listener(socket: socket, family: .unix, tag: tag, address: "unix:\(path)", ownedPath: owned)
    }

    /// Takes over a socket passed by systemd. It must already be a listening stream socket.
    private static func adopt(fd: Int32, tag: Int) throws(HTTPServerError) -> Listener {
        var status = stat()
        guard fd >= 0, fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFSOCK else {
            throw HTTPServerError(.invalidAddress, "inherited fd \(fd) is not an open socket; check LISTEN_FDS and the .socket unit")
        }
        var accepting: Int32 = 0
        var type: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        _ = try SystemCall.value("getsockopt(SO_ACCEPTCONN)", throwing: HTTPServerError.self) {
            Int(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size))
        }
        size = socklen_t(MemoryLayout<Int32>.size)
        _ = try SystemCall.value("getsockopt(SO_TYPE)", throwing: HTTPServerError.self) {
            Int(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size))
        }
        guard accepting == 1, type == Int32(SOCK_STREAM.rawValue) else {
            throw HTTPServerError(.invalidAddress, "inherited fd \(fd) is not a listening stream socket; use ListenStream= in the .socket unit")
        }
        let socket = FileDescriptor(fd)
        do {
            try socket.setNonBlocking()
        } catch {
            throw HTTPServerError(error)
        }
        _ = try SystemCall.value("fcntl(F_SETFD)", throwing: HTTPServerError.self) {
            Int(fcntl(fd, F_SETFD, FD_CLOEXEC))
        }
        let address = try SocketAddress.localDescription(of: fd)
        return Listener(socket: socket, family: address.hasPrefix("unix:") ? .unix : .tcp, tag: tag,
                        address: address, ownedPath: nil)
    }

    private static func newSocket(family: Int32) throws(HTTPServerError) -> FileDescriptor {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = try SystemCall.value("socket", throwing: HTTPServerError.self) { Int(Glibc.socket(family, type, 0)) }
        return FileDescriptor(Int32(fd))
    }
}

private extension String {
    var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
