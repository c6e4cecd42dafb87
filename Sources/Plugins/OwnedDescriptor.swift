#if canImport(Glibc)
import Glibc
#endif

/// One open file descriptor with one owner: closed exactly once, by `close()` or by `deinit`.
final class OwnedDescriptor {
    private(set) var fd: Int32

    init(_ fd: Int32) { self.fd = fd }

    var isOpen: Bool { fd >= 0 }

    /// Closes now (the child's ends of its pipes must be closed as soon as it has them, or EOF never comes).
    func close() {
        guard fd >= 0 else { return }
        // Linux closes the descriptor even when close(2) reports EINTR, so it is never retried.
        _ = Glibc.close(fd)
        fd = -1
    }

    deinit { close() }

    /// A pipe whose two ends are close-on-exec (`posix_spawn` dup2s the child's end, which clears the flag there).
    static func pipe() throws(ClaimsFailure) -> (read: OwnedDescriptor, write: OwnedDescriptor) {
        var fds: [Int32] = [-1, -1]
        let rc = SpawnExtensions.pipe2.map { $0(&fds, O_CLOEXEC) } ?? Glibc.pipe(&fds)
        guard rc == 0 else {
            throw ClaimsFailure(.unavailable, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let ends = (read: OwnedDescriptor(fds[0]), write: OwnedDescriptor(fds[1]))
        if SpawnExtensions.pipe2 == nil {
            // Not atomic with the pipe's creation, but every spawn also closes descriptors from 3 up.
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        return ends
    }

    func setNonBlocking() throws(ClaimsFailure) {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw ClaimsFailure(.unavailable, "cannot make a pipe non-blocking: \(String(cString: strerror(errno)))")
        }
    }
}
