/// An outstanding (issued or seen) token as stored, with its place in its rotation chain and its blacklist
/// state. For inspection by tools and tests; the hot paths use `isBlacklisted` and `rotate`.
public struct OutstandingToken: Sendable, Equatable {
    public var record: TokenRecord
    /// The jti of the first token of the rotation chain.
    public var family: String
    /// The token this one was rotated from.
    public var parentJTI: String?
    public var blacklistedAt: Double?
    public var blacklistReason: BlacklistReason?

    public init(record: TokenRecord, family: String, parentJTI: String?, blacklistedAt: Double?, blacklistReason: BlacklistReason?) {
        self.record = record
        self.family = family
        self.parentJTI = parentJTI
        self.blacklistedAt = blacklistedAt
        self.blacklistReason = blacklistReason
    }

    public var isBlacklisted: Bool { blacklistedAt != nil }
}
