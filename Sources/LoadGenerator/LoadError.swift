/// A failure of the load generator itself (bad target, unusable plan), as opposed to errors it counts
/// while running (those go in `LoadReport`).
public struct LoadError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable {
        private enum Kind { case invalidTarget, invalidPlan, system, notReady }
        private let kind: Kind
        public static let invalidTarget = Code(kind: .invalidTarget)
        public static let invalidPlan = Code(kind: .invalidPlan)
        public static let system = Code(kind: .system)
        public static let notReady = Code(kind: .notReady)
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Errors compare by code only, so callers can match them without depending on the wording.
    public static func == (lhs: LoadError, rhs: LoadError) -> Bool { lhs.code == rhs.code }
}
