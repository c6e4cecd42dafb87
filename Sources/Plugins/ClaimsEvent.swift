/// Something the pipeline wants logged: a dropped reserved claim, a skipped or refusing provider.
/// The Plugins module does no logging itself; the daemon writes these to its log.
public struct ClaimsEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Level: Sendable { case warning, error }

    public let level: Level
    public let message: String

    public init(level: Level, message: String) {
        self.level = level
        self.message = message
    }

    public var description: String { message }
}

/// The claims for one token, what to log about them, and whether the token must be refused.
public struct ClaimsOutcome: Sendable {
    /// Every provider's accepted claims, later entries winning on equal names.
    public var claims: JSONObject
    public var events: [ClaimsEvent]
    /// Set when an entry with `on_error: fail` failed: issue no token.
    public var refusal: ClaimsFailure?
}

import JSON
