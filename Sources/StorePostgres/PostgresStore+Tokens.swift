import Store

extension PostgresStore {
    static let isBlacklisted = PostgresStatement("is_blacklisted", """
        SELECT EXISTS (SELECT 1 FROM blacklisted_tokens b JOIN outstanding_tokens o ON o.id = b.token_id WHERE o.jti = $1)
        """)
    static let tokenColumns = """
        SELECT o.jti, o.user_id, o.created_at, o.expires_at, o.family, o.parent_jti, b.blacklisted_at, b.reason
        FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.token_id = o.id
        """
    static let outstanding = PostgresStatement("outstanding", "\(tokenColumns) WHERE o.jti = $1")
    static let recordToken = PostgresStatement("record_token", "SELECT record_token($1, $2, $3, $4, $5, $6)")
    static let recordLogin = PostgresStatement("record_login", "SELECT record_login($1, $2, $3, $4, $5, $6, $7)")
    static let blacklistToken = PostgresStatement("blacklist_token", "SELECT blacklist_token($1, $2, $3, $4, $5, $6)")
    static let rotate = PostgresStatement("rotate", """
        SELECT outcome, revoked FROM rotate($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """)
    static let reportReuse = PostgresStatement("report_reuse", "SELECT outcome, revoked FROM report_reuse($1, $2, $3)")
    /// With their blacklist rows (the token tables have no foreign keys).
    static let flushChunk = PostgresStatement("flush_expired", """
        WITH gone AS (DELETE FROM outstanding_tokens
                      WHERE id IN (SELECT id FROM outstanding_tokens WHERE expires_at <= $1 LIMIT $2) RETURNING id),
             unlisted AS (DELETE FROM blacklisted_tokens WHERE token_id IN (SELECT id FROM gone)),
             unfed AS (DELETE FROM blacklist_feed WHERE id IN (SELECT id FROM blacklist_feed WHERE expires_at <= $1 LIMIT $2))
        SELECT count(*) FROM gone
        """)
    /// The feed's rows of transactions that have ended (ids below the snapshot's xmin), whole transactions at a
    /// time: the ones from the cursor on, at most `$2` transactions. When they are not cut at the limit, also the
    /// rows visible from transactions at or above xmin (committed, though an older transaction still runs), which
    /// come again next time, since the cursor stays at xmin until that older transaction ends. The first row is
    /// the header: the next cursor and whether the batch is complete.
    static let blacklistedSince = PostgresStatement("blacklisted_since", """
        WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
             settled AS (SELECT DISTINCT f.xid FROM blacklist_feed f, horizon h
                         WHERE f.xid >= $1::text::xid8 AND f.xid < h.xmin ORDER BY f.xid LIMIT $2),
             batch AS (SELECT count(*) >= $2 AS cut, max(xid) AS last FROM settled)
        SELECT 0 AS part, NULL::text, NULL::double precision, b.cut,
               CASE WHEN b.cut THEN b.last::text::bigint + 1
                    ELSE greatest(h.xmin::text::bigint, $1::text::bigint) END, NULL::xid8, NULL::bigint
        FROM horizon h, batch b
        UNION ALL
        SELECT 1, f.jti, f.expires_at, NULL, NULL, f.xid, f.id FROM blacklist_feed f WHERE f.xid IN (SELECT xid FROM settled)
        UNION ALL
        SELECT 1, f.jti, f.expires_at, NULL, NULL, f.xid, f.id FROM blacklist_feed f, horizon h, batch b
        WHERE NOT b.cut AND f.xid >= h.xmin
        ORDER BY 1, 6, 7
        """)

    /// The token columns of a row of `tokenColumns`.
    static func token(_ result: PostgresResult, _ row: Int) throws(StoreError) -> OutstandingToken {
        OutstandingToken(
            record: TokenRecord(jti: result.text(row, 0), userID: try result.optionalInt64(row, 1),
                                createdAt: try result.optionalDouble(row, 2), expiresAt: try result.double(row, 3)),
            family: result.text(row, 4), parentJTI: result.optionalText(row, 5),
            blacklistedAt: try result.optionalDouble(row, 6),
            blacklistReason: result.optionalText(row, 7).flatMap(BlacklistReason.init(rawValue:)))
    }

    static func parameters(_ token: TokenRecord) -> [String?] {
        [token.jti, SQLText.int(token.userID), SQLText.real(token.createdAt), SQLText.real(token.expiresAt)]
    }

    // MARK: Reads


    public func isBlacklisted(jti: String, completion: @escaping StoreCompletion<Bool>) {
        guard SQLText.isStorable(jti) else { return completion(.success(false)) }
        read(Self.isBlacklisted, [jti], completion) { (result) throws(StoreError) -> Bool in try result.bool(0, 0) }
    }

    public func outstanding(jti: String, completion: @escaping StoreCompletion<OutstandingToken?>) {
        guard SQLText.isStorable(jti) else { return completion(.success(nil)) }
        read(Self.outstanding, [jti], completion) { (result) throws(StoreError) -> OutstandingToken? in
            result.rowCount == 0 ? nil : try Self.token(result, 0)
        }
    }

    public func blacklistedSince(_ cursor: Int64, limit: Int, completion: @escaping StoreCompletion<BlacklistBatch>) {
        let cursor = max(0, cursor)
        read(Self.blacklistedSince, [String(cursor), String(max(1, limit))], completion) {
            (result) throws(StoreError) -> BlacklistBatch in
            guard result.rowCount > 0, result.isNull(0, 1) else {
                throw StoreError(.database, "PostgreSQL's blacklist feed answered without its header row")
            }
            var entries: [BlacklistBatch.Entry] = []
            entries.reserveCapacity(result.rowCount - 1)
            for row in 1..<result.rowCount {
                entries.append(BlacklistBatch.Entry(jti: result.text(row, 1), expiresAt: try result.double(row, 2)))
            }
            return BlacklistBatch(entries: entries, cursor: max(cursor, try result.int64(0, 4)),
                                  complete: !(try result.bool(0, 3)))
        }
    }

    // MARK: Writes

    public func recordOutstanding(_ token: TokenRecord, family: String?, parentJTI: String?,
                                  completion: @escaping StoreCompletion<Bool>) {
        write(Self.recordToken, Self.parameters(token) + [family, parentJTI], completion, validate: { () throws(StoreError) in
            try StoreValidation.token(token)
            try StoreValidation.storableText(family, "the family")
            try StoreValidation.storableText(parentJTI, "the parent jti")
        }) { (result) throws(StoreError) -> Bool in try result.bool(0, 0) }
    }

    public func recordLogin(_ token: TokenRecord, login: LoginUpdate, completion: @escaping StoreCompletion<Void>) {
        write(Self.recordLogin, Self.parameters(token) + [SQLText.int(login.userID), SQLText.real(login.lastLogin),
                                                          login.passwordHash], completion,
              validate: { () throws(StoreError) in
                  try StoreValidation.token(token)
                  try StoreValidation.requireFinite(login.lastLogin, "last_login")
                  try StoreValidation.storableText(login.passwordHash, "the password hash")
              }) { (result) throws(StoreError) in
            guard try result.bool(0, 0) else { throw StoreError(.notFound, "no user with id \(login.userID)") }
        }
    }

    public func blacklist(_ token: TokenRecord, reason: BlacklistReason, now: Double,
                          completion: @escaping StoreCompletion<Bool>) {
        write(Self.blacklistToken, Self.parameters(token) + [reason.rawValue, SQLText.real(now)], completion,
              validate: { () throws(StoreError) in
                  try StoreValidation.token(token)
                  try StoreValidation.requireFinite(now, "now")
              }) { (result) throws(StoreError) -> Bool in try result.bool(0, 0) }
    }

    public func rotate(old: TokenRecord, new: TokenRecord, blacklistOld: Bool, grace: Double, now: Double,
                       completion: @escaping StoreCompletion<RotationOutcome>) {
        let parameters = Self.parameters(old) + Self.parameters(new)
            + [SQLText.bool(blacklistOld), SQLText.real(grace), SQLText.real(now)]
        write(Self.rotate, parameters, completion, validate: { () throws(StoreError) in
            try StoreValidation.rotation(old: old, new: new, grace: grace, now: now)
        }) { (result) throws(StoreError) -> RotationOutcome in
            guard let outcome = try Self.outcome(result) else {
                throw StoreError(.conflict, "the new token's jti \(new.jti) is already recorded; mint a new jti")
            }
            return outcome
        }
    }

    public func reportReuse(jti: String, grace: Double, now: Double, completion: @escaping StoreCompletion<RotationOutcome?>) {
        guard SQLText.isStorable(jti) else { return completion(.success(nil)) }
        write(Self.reportReuse, [jti, SQLText.real(grace), SQLText.real(now)], completion, validate: { () throws(StoreError) in
            try StoreValidation.requireFinite(grace, "grace")
            try StoreValidation.requireFinite(now, "now")
        }) { (result) throws(StoreError) -> RotationOutcome? in try Self.outcome(result) }
    }

    /// The outcome a rotation function answered; nil for `none` and `conflict`.
    private static func outcome(_ result: PostgresResult) throws(StoreError) -> RotationOutcome? {
        let revoked = Int(try result.int64(0, 1))
        switch result.text(0, 0) {
        case "rotated": return .rotated
        case "grace": return .reused(revokedFamilyTokens: 0, withinGrace: true)
        case "reused": return .reused(revokedFamilyTokens: revoked, withinGrace: false)
        case "none", "conflict": return nil
        case let other: throw StoreError(.database, "PostgreSQL's rotate answered the unknown outcome \"\(other)\"")
        }
    }

    /// Deletes in chunks, each its own short statement, so a large flush does not hold locks for long.
    public func flushExpired(now: Double, completion: @escaping StoreCompletion<Int>) {
        do throws(StoreError) { try StoreValidation.requireFinite(now, "now") } catch { return completion(.failure(error)) }
        ChunkedDeletion.run({ [self] limit, done in
            write(Self.flushChunk, [SQLText.real(now), String(limit)], done) { (result) throws(StoreError) -> Int in
                Int(try result.int64(0, 0))
            }
        }, completion: completion)
    }
}
