import Glibc

/// The single owner of a file descriptor: it is closed exactly once, by `close()` or at the latest in `deinit`.
/// Whoever holds the object owns the descriptor; `release()` hands it to someone else.
///
/// Swift may end a local object's life right after its last use, so a function that passes `raw` to C
/// keeps the owner alive until it is done, usually with `defer { descriptor.close() }`.
public final class FileDescriptor {
    /// The descriptor number, or -1 once closed or released.
    public private(set) var raw: Int32

    /// Takes ownership of `raw` (an open descriptor, or -1 for none).
    public init(_ raw: Int32) { self.raw = raw }

    public var isOpen: Bool { raw >= 0 }

    /// Gives up ownership (for handing the descriptor to another owner): this object will not close it.
    public func release() -> Int32 {
        defer { raw = -1 }
        return raw
    }

    public func close() {
        guard raw >= 0 else { return }
        // close() is not retried on EINTR: Linux releases the descriptor even then, and a retry could close
        // a descriptor another thread has just been given.
        _ = Glibc.close(raw)
        raw = -1
    }

    deinit { close() }

    /// open(2), EINTR retried; the error names the path.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemCallError) -> FileDescriptor {
        FileDescriptor(Int32(try SystemCall.value("open", context: path) { Int(Glibc.open(path, flags, mode)) }))
    }

    /// A pipe whose two ends are close-on-exec (`posix_spawn` dup2s a child's end, which clears the flag there).
    public static func pipe() throws(SystemCallError) -> (read: FileDescriptor, write: FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        if let pipe2 = pipe2 {
            _ = try SystemCall.value("pipe2") { Int(pipe2(&fds, O_CLOEXEC)) }
            return (FileDescriptor(fds[0]), FileDescriptor(fds[1]))
        }
        _ = try SystemCall.value("pipe") { Int(Glibc.pipe(&fds)) }
        // Not atomic with the pipe's creation, but every spawn also closes descriptors from 3 up.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (FileDescriptor(fds[0]), FileDescriptor(fds[1]))
    }

    /// glibc declares pipe2 only under _GNU_SOURCE, which Swift's Glibc module does not define.
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private static let pipe2: Pipe2? = DynamicSymbol.lookup("pipe2")

    /// Sets O_NONBLOCK, so reads and writes report `.wouldBlock` instead of waiting.
    public func setNonBlocking() throws(SystemCallError) {
        let flags = try SystemCall.value("fcntl(F_GETFL)") { Int(fcntl(raw, F_GETFL)) }
        _ = try SystemCall.value("fcntl(F_SETFL)") { Int(fcntl(raw, F_SETFL, Int32(flags) | O_NONBLOCK)) }
    }

    /// Reads until end of file, or until more than `limit` bytes have arrived (the caller compares the count
    /// with its limit, so an oversized input is refused without reading all of it). Blocking descriptors only.
    public func readToEnd(limit: Int = .max) throws(SystemCallError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count <= limit {
            let count = try SystemCall.value("read") {
                chunk.withUnsafeMutableBytes { Glibc.read(raw, $0.baseAddress, $0.count) }
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// Writes all of `bytes`, continuing after short writes. Blocking descriptors (or a pipe known to have room).
    public func writeAll(_ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            offset += try SystemCall.value("write") {
                bytes.withUnsafeBytes { Glibc.write(raw, $0.baseAddress! + offset, $0.count - offset) }
            }
        }
    }
}
