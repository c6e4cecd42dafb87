import Glibc

/// The one funnel for system calls that report failure as -1 and errno: EINTR is retried, EAGAIN/EWOULDBLOCK
/// becomes `.wouldBlock` (non-blocking descriptors) and any other failure throws an error that names the
/// call and errno. `close(2)` is the exception and never comes here: see `FileDescriptor.close()`.
///
/// `throwing:` picks the error type thrown (any `SystemCallErrorConvertible`, `SystemCallError` by default),
/// so functions with typed throws need no conversion at each call.
/// Both functions are inlined into the caller: they sit on the event loops' read and write paths.
public enum SystemCall {
    /// For calls on non-blocking descriptors (read, send, accept4, epoll_wait…): the value, or `.wouldBlock`.
    @inlinable @inline(__always)
    public static func run<Failure: SystemCallErrorConvertible>(
        _ name: StaticString, context: @autoclosure () -> String = "", throwing failure: Failure.Type = SystemCallError.self,
        _ body: () -> Int
    ) throws(Failure) -> IOResult {
        while true {
            let result = body()
            if result >= 0 { return .value(result) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            throw Failure(SystemCallError("\(name)", errno: code, context: context()))
        }
    }

    /// For calls that never legitimately return EAGAIN (socket, bind, fcntl, open…) and for blocking calls
    /// (read and write on a blocking descriptor, poll, waitpid): the value, with only EINTR retried.
    @inlinable @inline(__always)
    public static func value<Failure: SystemCallErrorConvertible>(
        _ name: StaticString, context: @autoclosure () -> String = "", throwing failure: Failure.Type = SystemCallError.self,
        _ body: () -> Int
    ) throws(Failure) -> Int {
        switch try run(name, context: context(), throwing: failure, body) {
        case .value(let result): return result
        case .wouldBlock: throw Failure(SystemCallError("\(name)", errno: EAGAIN, context: context()))
        }
    }
}
