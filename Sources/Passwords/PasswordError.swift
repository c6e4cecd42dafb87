/// Why a hasher cannot be configured or a hash cannot be made.
public struct PasswordError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable { case invalidParameters, library }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// An iteration count or scrypt parameter outside what authd accepts.
        public static let invalidParameters = Code(.invalidParameters)
        /// OpenSSL failed (out of memory, no randomness).
        public static let library = Code(.library)
        public var description: String { kind.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "password hashing error (\(code)): \(message)" }

    public static func == (lhs: PasswordError, rhs: PasswordError) -> Bool { lhs.code == rhs.code }
}
