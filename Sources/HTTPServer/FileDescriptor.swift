import Glibc

/// The single owner of a file descriptor: it is closed exactly once, by `close()` or at the latest in `deinit`.
final class FileDescriptor {
    private(set) var raw: Int32

    init(_ raw: Int32) { self.raw = raw }

    var isOpen: Bool { raw >= 0 }

    /// Gives up ownership (for handing the descriptor to another loop): this object will not close it.
    func release() -> Int32 {
        defer { raw = -1 }
        return raw
    }

    func close() {
        guard raw >= 0 else { return }
        // close() is not retried on EINTR: Linux releases the descriptor even then, and a retry could close
        // a descriptor another thread has just been given.
        _ = Glibc.close(raw)
        raw = -1
    }

    deinit { close() }
}
