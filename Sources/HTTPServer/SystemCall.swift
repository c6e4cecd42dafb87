import Glibc

/// The outcome of a non-blocking system call: a value, or "try again later" (EAGAIN/EWOULDBLOCK).
enum IOResult: Equatable {
    case value(Int)
    case wouldBlock
}

/// Every system call of this module goes through here: EINTR is retried, EAGAIN becomes `.wouldBlock`,
/// and any other failure throws an error that names the call and errno.
enum SystemCall {
    @inline(__always)
    static func run(_ name: StaticString, _ body: () -> Int) throws(HTTPServerError) -> IOResult {
        while true {
            let result = body()
            if result >= 0 { return .value(result) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            throw HTTPServerError.systemCall("\(name)", errno: code)
        }
    }

    /// For calls that never legitimately return EAGAIN (socket, bind, epoll_ctl…): returns the value or throws.
    @inline(__always)
    static func value(_ name: StaticString, context: String = "", _ body: () -> Int) throws(HTTPServerError) -> Int {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw HTTPServerError.systemCall("\(name)", errno: code, context: context)
        }
    }
}
