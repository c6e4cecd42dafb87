import CEpoll
import Glibc
import Platform

/// The file-system side of a unix listener: replacing stale socket files, refusing live ones, resolving the
/// group, and removing the file on shutdown only if it is still the one this server bound.
struct UnixSocketPath: Sendable {
    let path: String
    let device: UInt64
    let inode: UInt64

    /// Records the identity of the socket file just created by bind().
    static func claim(_ path: String) throws(HTTPServerError) -> UnixSocketPath {
        var status = stat()
        _ = try SystemCall.value("lstat", context: path, throwing: HTTPServerError.self) { Int(lstat(path, &status)) }
        return UnixSocketPath(path: path, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Unlinks the path unless another process has since replaced it with its own socket.
    func removeIfStillOurs() {
        var status = stat()
        guard lstat(path, &status) == 0, UInt64(status.st_dev) == device, UInt64(status.st_ino) == inode else { return }
        _ = unlink(path)
    }

    /// A socket file nobody answers on (left by a crash) is removed; a live server or a non-socket is refused.
    static func clearStale(_ path: String) throws(HTTPServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT { return }
            throw HTTPServerError.systemCall("lstat", errno: code, context: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else {
            throw HTTPServerError(.pathNotSocket, "\(path) exists and is not a socket; remove it or choose another path")
        }
        if try isAnswering(path) {
            throw HTTPServerError(.socketPathInUse, "another server is listening on \(path); stop it or choose another path")
        }
        if unlink(path) != 0 {
            let code = errno
            if code != ENOENT { throw HTTPServerError.systemCall("unlink", errno: code, context: "stale socket \(path)") }
        }
    }

    /// Probes with connect(): refused means stale; accepted (or a full backlog) means someone is listening.
    private static func isAnswering(_ path: String) throws(HTTPServerError) -> Bool {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let probe = FileDescriptor(Int32(try SystemCall.value("socket", throwing: HTTPServerError.self) {
            Int(socket(AF_UNIX, type, 0))
        }))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes.prefix(raw.count - 1))
        }
        do {
            // .wouldBlock (EAGAIN) means a full backlog: the server is alive, just busy.
            _ = try SystemCall.run("connect", context: "probing \(path)") {
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Int(connect(probe.raw, $0, socklen_t(MemoryLayout<sockaddr_un>.size)))
                    }
                }
            }
            return true
        } catch where error.errno == ECONNREFUSED || error.errno == ENOENT {
            return false
        } catch where error.errno == EINPROGRESS {
            return true
        } catch {
            throw HTTPServerError(error)
        }
    }

    /// getgrnam_r, growing the buffer while it reports ERANGE.
    static func groupID(named name: String) throws(HTTPServerError) -> gid_t {
        var size = 1024
        while size <= 1 << 20 {
            var group = group()
            var found: UnsafeMutablePointer<group>?
            var buffer = [CChar](repeating: 0, count: size)
            let code = getgrnam_r(name, &group, &buffer, size, &found)
            if code == ERANGE { size *= 4; continue }
            if code != 0 { throw HTTPServerError.systemCall("getgrnam_r", errno: code, context: name) }
            guard found != nil else {
                throw HTTPServerError(.unknownGroup, "group '\(name)' does not exist; create it (groupadd \(name)) or fix the setting")
            }
            return group.gr_gid
        }
        throw HTTPServerError(.unknownGroup, "group '\(name)' could not be read")
    }
}
