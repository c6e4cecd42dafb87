/// Blacklisted tokens in the order their blacklisting committed, for views kept in memory (`TokenStore.blacklistedSince`).
public struct BlacklistBatch: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var jti: String
        /// The token's `exp`: once it has passed the token is refused anyway, and a view may forget it.
        public var expiresAt: Double

        public init(jti: String, expiresAt: Double) {
            self.jti = jti
            self.expiresAt = expiresAt
        }
    }

    public var entries: [Entry]
    /// Where the next call continues; never smaller than the cursor asked with.
    public var cursor: Int64
    /// Everything committed when the call ran has been answered: a reader catching up stops here. False when the
    /// batch was cut at the limit and more follows right away.
    public var complete: Bool

    public init(entries: [Entry], cursor: Int64, complete: Bool) {
        self.entries = entries
        self.cursor = cursor
        self.complete = complete
    }
}
