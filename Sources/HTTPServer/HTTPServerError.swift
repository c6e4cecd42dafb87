import Glibc
import Platform

/// An error from starting or running the server. `==` compares codes only, so callers and tests can match
/// `error == .addressInUse` without caring about the message.
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as an extensible set (a struct over a private enum, so codes can be added later).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case invalidConfiguration, invalidAddress, addressInUse, socketPathInUse, pathNotSocket
            case unknownGroup, permissionDenied, alreadyStarted, systemCall
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A configuration value is out of range (limits, timeouts, loop count).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A host is not an IP literal or "localhost", a unix path is too long, or an inherited fd is not a listening socket.
        public static let invalidAddress = Code(.invalidAddress)
        /// A TCP address is already bound by another socket.
        public static let addressInUse = Code(.addressInUse)
        /// A live server already answers on the unix socket path.
        public static let socketPathInUse = Code(.socketPathInUse)
        /// The unix socket path exists and is not a socket, so it is not ours to replace.
        public static let pathNotSocket = Code(.pathNotSocket)
        /// The group named for a unix socket does not exist.
        public static let unknownGroup = Code(.unknownGroup)
        /// The process may not bind, chmod or chown as asked.
        public static let permissionDenied = Code(.permissionDenied)
        /// `start()` was called twice.
        public static let alreadyStarted = Code(.alreadyStarted)
        /// Any other failing system call; the message names the call and errno.
        public static let systemCall = Code(.systemCall)

        public var description: String { "\(kind)" }
    }

    public let code: Code
    public let message: String
    /// The errno of the failing system call, when there was one.
    public let errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { message }

    public static func == (lhs: HTTPServerError, rhs: HTTPServerError) -> Bool { lhs.code == rhs.code }

    /// Builds the error for a failed system call that did not go through `SystemCall`.
    static func systemCall(_ call: String, errno code: Int32, context: String = "") -> HTTPServerError {
        HTTPServerError(SystemCallError(call, errno: code, context: context))
    }
}

extension HTTPServerError: SystemCallErrorConvertible {
    /// Keeps the system call's message (it names the call and errno) and maps the errnos a caller can act on.
    public init(_ error: SystemCallError) {
        let mapped: Code
        switch error.errno {
        case EADDRINUSE: mapped = .addressInUse
        case EACCES, EPERM: mapped = .permissionDenied
        case EADDRNOTAVAIL: mapped = .invalidAddress
        default: mapped = .systemCall
        }
        self.init(mapped, error.description, errno: error.errno)
    }
}
