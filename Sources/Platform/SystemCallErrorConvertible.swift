/// An error type that a failed system call converts into, so a module whose functions throw its own typed
/// error can pass that type to `SystemCall` (`throwing: HTTPServerError.self`) instead of wrapping every call.
public protocol SystemCallErrorConvertible: Error {
    init(_ error: SystemCallError)
}

extension SystemCallError: SystemCallErrorConvertible {
    public init(_ error: SystemCallError) { self = error }
}
