/// The one error type commands throw; `AuthdCommand` turns it into a message and an exit code.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        private enum Kind { case usage, failure }
        private let kind: Kind
        public static let usage = Code(kind: .usage)
        public static let failure = Code(kind: .failure)
        var exitStatus: Int32 { kind == .usage ? 64 : 1 }
    }

    public let code: Code
    public let message: String

    public static func usage(_ message: String) -> CLIError { CLIError(code: .usage, message: message) }
    public static func failure(_ message: String) -> CLIError { CLIError(code: .failure, message: message) }

    public var description: String { message }
}
