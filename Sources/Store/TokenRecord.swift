/// What the store keeps about a refresh (or sliding) token: its id and metadata, never the token itself,
/// so a stolen database cannot be replayed.
public struct TokenRecord: Sendable, Equatable {
    /// The token's `jti` claim.
    public var jti: String
    /// The token's user id claim; a user that does not exist (any more) is stored as NULL, as SimpleJWT does.
    public var userID: Int64?
    /// The `iat` of the token if known (SimpleJWT stores its own current time; NULL for imported tokens).
    public var createdAt: Double?
    /// The token's `exp` claim.
    public var expiresAt: Double

    public init(jti: String, userID: Int64?, createdAt: Double?, expiresAt: Double) {
        self.jti = jti
        self.userID = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// The result of `Store.rotate`.
public enum RotationOutcome: Sendable, Equatable {
    /// `old` was valid: it is now (optionally) blacklisted and `new` is recorded as its child.
    case rotated
    /// `old` had already been blacklisted. Within the grace window (a benign race of two refreshes of the
    /// newest predecessor) nothing else happens and `revokedFamilyTokens` is 0; otherwise every
    /// not-yet-blacklisted token of its family was blacklisted with reason `reuse`.
    case reused(revokedFamilyTokens: Int, withinGrace: Bool)
}

/// Why a token was blacklisted; stored in `blacklisted_tokens.reason`.
public struct BlacklistReason: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// Replaced by a newer token of its family (BLACKLIST_AFTER_ROTATION).
    public static let rotated = BlacklistReason("rotated")
    /// Blacklisted on request (the blacklist / logout endpoint).
    public static let logout = BlacklistReason("logout")
    /// Revoked because an older token of its family was used again.
    public static let reuse = BlacklistReason("reuse")
    /// Revoked by an operator.
    public static let admin = BlacklistReason("admin")

    public static let all: [BlacklistReason] = [.rotated, .logout, .reuse, .admin]

    /// Parses a stored reason; nil for anything else.
    public init?(rawValue: String) {
        guard let known = BlacklistReason.all.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = known
    }

    public var description: String { rawValue }
}
