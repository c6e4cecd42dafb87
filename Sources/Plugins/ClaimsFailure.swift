/// Why a provider could not give claims for a user at run time. The pipeline applies the entry's
/// `on_error` policy to it and logs `message`, which says what went wrong and where to look.
public struct ClaimsFailure: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case failed, timedOut, invalidOutput, tooLarge, unavailable }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The provider ran and reported failure (a non-zero exit status, a crash).
        public static let failed = Code(.failed)
        /// The provider did not answer within its timeout and was stopped.
        public static let timedOut = Code(.timedOut)
        /// The provider answered something that is not a JSON object of claims.
        public static let invalidOutput = Code(.invalidOutput)
        /// The provider's output or the claims together exceeded a configured size.
        public static let tooLarge = Code(.tooLarge)
        /// Something the provider depends on (the store, the executable) is unavailable.
        public static let unavailable = Code(.unavailable)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: ClaimsFailure, rhs: ClaimsFailure) -> Bool { lhs.code == rhs.code }
}
