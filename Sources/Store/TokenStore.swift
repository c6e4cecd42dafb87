/// Outstanding and blacklisted tokens, and their rotation families. Every call answers through a
/// `StoreCompletion`; writes answer only once they are durable.
///
/// Deliberate differences from SimpleJWT's token_blacklist app: the token text is never stored (only its jti
/// and metadata), tokens carry their rotation family so reuse can revoke a whole chain, and blacklist rows
/// carry a reason.
public protocol TokenStore: Sendable {
    /// Whether the token with this jti is blacklisted (SimpleJWT's check_blacklist). A jti never recorded is not.
    func isBlacklisted(jti: String, completion: @escaping StoreCompletion<Bool>)

    /// The stored state of one token, or nil when the jti was never recorded.
    func outstanding(jti: String, completion: @escaping StoreCompletion<OutstandingToken?>)

    /// Records an issued (or first seen) token, like SimpleJWT's OutstandingToken get_or_create: a jti already
    /// recorded is left as it is. `family` defaults to the parent's family, else the token's own jti.
    /// Answers whether a row was added.
    func recordOutstanding(_ token: TokenRecord, family: String?, parentJTI: String?,
                           completion: @escaping StoreCompletion<Bool>)

    /// A successful login in one transaction: records the new token, and updates the user as `login` says
    /// (UPDATE_LAST_LOGIN, a password re-hashed with the configured hasher). `.notFound` when the user was
    /// deleted meanwhile; then nothing is written.
    func recordLogin(_ token: TokenRecord, login: LoginUpdate, completion: @escaping StoreCompletion<Void>)

    /// Blacklists a token, recording it first if it was never seen (SimpleJWT's Token.blacklist).
    /// Answers false when it was already blacklisted (the first reason and time are kept).
    func blacklist(_ token: TokenRecord, reason: BlacklistReason, now: Double, completion: @escaping StoreCompletion<Bool>)

    /// Atomic refresh-token rotation, in one write transaction.
    ///
    /// If `old` is already blacklisted, this is a reuse. When `old` was blacklisted as `rotated` less than
    /// `grace` seconds ago and none of its children has been rotated since (it is the newest token's immediate
    /// predecessor: two refreshes racing), nothing changes: `.reused(revokedFamilyTokens: 0, withinGrace: true)`.
    /// Otherwise every not-yet-blacklisted token of its family is blacklisted with reason `reuse`
    /// (`.reused(revokedFamilyTokens: n, withinGrace: false)`).
    ///
    /// Otherwise `old` is recorded if unknown (a token minted by SimpleJWT), blacklisted as `rotated` when
    /// `blacklistOld` (BLACKLIST_AFTER_ROTATION), and `new` is recorded in the same family with parent `old`:
    /// `.rotated`. Expiry and signatures are the caller's business.
    func rotate(old: TokenRecord, new: TokenRecord, blacklistOld: Bool, grace: Double, now: Double,
                completion: @escaping StoreCompletion<RotationOutcome>)

    /// A blacklisted refresh token was presented again (the blacklist check refused it before any rotation):
    /// applies the same reuse rule as `rotate`. `nil` means the token is not blacklisted (any more).
    func reportReuse(jti: String, grace: Double, now: Double, completion: @escaping StoreCompletion<RotationOutcome?>)

    /// Tokens blacklisted after `cursor` (0: from the first), about `limit` of them, and the cursor to continue from.
    /// For a view kept in memory (verify's blacklist check costs no I/O), so a backend must guarantee: cursors only
    /// grow, every blacklisting committed before the call is in this batch or a later one (`complete` says when none
    /// follows), and none is ever skipped by a later call, whichever process or instance committed it. An entry may
    /// come again in a later batch; tokens already deleted (flushed) may be left out.
    func blacklistedSince(_ cursor: Int64, limit: Int, completion: @escaping StoreCompletion<BlacklistBatch>)

    /// SimpleJWT's `flushexpiredtokens`: deletes outstanding tokens with `expires_at <= now` and their blacklist
    /// rows, in short transactions so a large flush does not hold the write lock. Answers how many were deleted.
    func flushExpired(now: Double, completion: @escaping StoreCompletion<Int>)
}
