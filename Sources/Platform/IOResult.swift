/// The outcome of a system call on a non-blocking descriptor: a value, or "try again later" (EAGAIN/EWOULDBLOCK).
/// Waiting is the normal state of an idle socket, so it is a value, not an error.
public enum IOResult: Equatable, Sendable {
    case value(Int)
    case wouldBlock
}
