/// The token classes of SimpleJWT, by the value of their type claim.
public enum TokenKind: String, Sendable {
    case access, refresh, sliding
    /// SimpleJWT's `UntypedToken`: any type is accepted (used by verify).
    case untyped

    /// Refresh and sliding tokens are recorded in the store and checked against the blacklist.
    public var isBlacklistable: Bool { self == .refresh || self == .sliding }
}
