import Glibc

/// A failed system call: which call, its errno and what it was working on.
///
/// `description` reads `bind failed (127.0.0.1:8000): Address already in use (errno 98)`. Modules with their
/// own error type convert it at their boundary (see `SystemCallErrorConvertible`) and keep this text, so a
/// user still learns the call and errno.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    /// The system call, as written in the code (`bind`, `fcntl(F_SETFL)`).
    public let call: String
    public let errno: Int32
    /// What the call was about (a path, an address); empty when the call says enough.
    public let context: String

    public init(_ call: String, errno: Int32, context: String = "") {
        self.call = call
        self.errno = errno
        self.context = context
    }

    /// strerror's text for `errno`, such as "No such file or directory".
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String {
        let subject = context.isEmpty ? "" : " (\(context))"
        return "\(call) failed\(subject): \(reason) (errno \(errno))"
    }
}
