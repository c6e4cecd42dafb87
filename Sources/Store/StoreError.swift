/// An error from the store. `code` says what kind of failure it is (compare codes with `==`);
/// `message` says what happened and what to do about it.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A closed set of codes today that can grow later without breaking callers (a struct over a private enum).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case notFound, conflict, schemaTooNew, io, sqlite, busy, closed, invalidArgument, unavailable, database
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The user or token does not exist.
        public static let notFound = Code(.notFound)
        /// A unique value (username, jti) is already taken.
        public static let conflict = Code(.conflict)
        /// The database was migrated by a newer authd than this binary.
        public static let schemaTooNew = Code(.schemaTooNew)
        /// The database file or its folder could not be created or opened.
        public static let io = Code(.io)
        /// SQLite reported an error.
        public static let sqlite = Code(.sqlite)
        /// Another process held the write lock longer than the busy timeout.
        public static let busy = Code(.busy)
        /// The store was shut down.
        public static let closed = Code(.closed)
        /// A value passed in cannot be stored (empty jti, non-finite time, unknown reason…).
        public static let invalidArgument = Code(.invalidArgument)
        /// The database server cannot be reached, refused the connection, or stopped answering; retry later.
        public static let unavailable = Code(.unavailable)
        /// The database server (PostgreSQL) reported an error.
        public static let database = Code(.database)

        public var description: String { kind.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "store error (\(code)): \(message)" }

    /// Codes only, so tests and callers can match on the kind of failure.
    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
}
