import Store

extension SQLiteStore {
    // MARK: Reads

    public func isBlacklisted(jti: String, completion: @escaping StoreCompletion<Bool>) {
        read(completion) { (c) throws(StoreError) -> Bool in
            try c.first("""
                SELECT EXISTS (SELECT 1 FROM blacklisted_tokens b JOIN outstanding_tokens o ON o.id = b.token_id
                               WHERE o.jti = ?)
                """, [.text(jti)]) { $0.bool(0) } ?? false
        }
    }

    public func outstanding(jti: String, completion: @escaping StoreCompletion<OutstandingToken?>) {
        read(completion) { (c) throws(StoreError) -> OutstandingToken? in
            try c.first("""
                SELECT o.jti, o.user_id, o.created_at, o.expires_at, o.family, o.parent_jti, b.blacklisted_at, b.reason
                FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.token_id = o.id
                WHERE o.jti = ?
                """, [.text(jti)], SQLiteStore.outstandingToken(from:))
        }
    }

    /// One writer at a time: the feed's sequence numbers are in commit order, and a cursor is the last one read.
    public func blacklistedSince(_ cursor: Int64, limit: Int, completion: @escaping StoreCompletion<BlacklistBatch>) {
        let limit = max(1, limit)
        read(completion) { (c) throws(StoreError) -> BlacklistBatch in
            let rows = try c.all("""
                SELECT f.seq, f.jti, o.expires_at FROM blacklist_feed f LEFT JOIN outstanding_tokens o ON o.jti = f.jti
                WHERE f.seq > ? ORDER BY f.seq LIMIT ?
                """, [.int(cursor), .int(Int64(limit))]) { row in (row.int64(0), row.text(1), row.optionalDouble(2)) }
            let entries = rows.compactMap { row in row.2.map { BlacklistBatch.Entry(jti: row.1, expiresAt: $0) } }
            return BlacklistBatch(entries: entries, cursor: rows.last?.0 ?? cursor, complete: rows.count < limit)
        }
    }

    /// A row of jti, user_id, created_at, expires_at, family, parent_jti, blacklisted_at, reason.
    static func outstandingToken(from row: SQLiteStatement) -> OutstandingToken {
        OutstandingToken(
            record: TokenRecord(jti: row.text(0), userID: row.optionalInt64(1), createdAt: row.optionalDouble(2),
                                expiresAt: row.double(3)),
            family: row.text(4), parentJTI: row.optionalText(5), blacklistedAt: row.optionalDouble(6),
            blacklistReason: row.optionalText(7).flatMap(BlacklistReason.init(rawValue:)))
    }

    // MARK: Writes

    public func recordOutstanding(_ token: TokenRecord, family: String?, parentJTI: String?,
                                  completion: @escaping StoreCompletion<Bool>) {
        write(completion, validate: { () throws(StoreError) in
            try StoreValidation.token(token)
            try StoreValidation.storableText(family, "the family")
            try StoreValidation.storableText(parentJTI, "the parent jti")
        },
              SQLiteStore.recordBody(token, family: family, parentJTI: parentJTI))
    }

    public func recordLogin(_ token: TokenRecord, login: LoginUpdate, completion: @escaping StoreCompletion<Void>) {
        write(completion, validate: { () throws(StoreError) in
            try StoreValidation.token(token)
            try StoreValidation.requireFinite(login.lastLogin, "last_login")
            try StoreValidation.storableText(login.passwordHash, "the password hash")
        }) { (c) throws(StoreError) in
            if let hash = login.passwordHash {
                try SQLiteStore.requireOneRow(c.run("UPDATE users SET password = ? WHERE id = ?",
                                                    [.text(hash), .int(login.userID)]), "no user with id \(login.userID)")
            }
            if let time = login.lastLogin {
                try SQLiteStore.requireOneRow(c.run("UPDATE users SET last_login = ? WHERE id = ?",
                                                    [.real(time), .int(login.userID)]), "no user with id \(login.userID)")
            }
            _ = try SQLiteStore.recordBody(token, family: nil, parentJTI: nil)(c)
        }
    }

    public func blacklist(_ token: TokenRecord, reason: BlacklistReason, now: Double,
                          completion: @escaping StoreCompletion<Bool>) {
        write(completion, validate: { () throws(StoreError) in
            try StoreValidation.token(token)
            try StoreValidation.requireFinite(now, "now")
        }, SQLiteStore.blacklistBody(token, reason: reason, now: now))
    }

    public func rotate(old: TokenRecord, new: TokenRecord, blacklistOld: Bool, grace: Double, now: Double,
                       completion: @escaping StoreCompletion<RotationOutcome>) {
        write(completion, validate: { () throws(StoreError) in
            try StoreValidation.rotation(old: old, new: new, grace: grace, now: now)
        }, SQLiteStore.rotateBody(old: old, new: new, blacklistOld: blacklistOld, grace: grace, now: now))
    }

    public func reportReuse(jti: String, grace: Double, now: Double, completion: @escaping StoreCompletion<RotationOutcome?>) {
        write(completion) { (c) throws(StoreError) -> RotationOutcome? in
            try SQLiteStore.reuseOutcome(SQLiteStore.find(jti, c), jti: jti, grace: grace, now: now, c)
        }
    }

    /// Deletes in chunks, each its own short transaction, so a large flush does not hold the write lock against
    /// the daemon.
    public func flushExpired(now: Double, completion: @escaping StoreCompletion<Int>) {
        do throws(StoreError) { try StoreValidation.requireFinite(now, "now") } catch { return completion(.failure(error)) }
        let writer = self.writer
        ChunkedDeletion.run({ limit, done in
            writer.submit({ (c) throws(StoreError) -> Int in
                let deleted = try c.run("""
                    DELETE FROM outstanding_tokens WHERE id IN
                        (SELECT id FROM outstanding_tokens WHERE expires_at <= ? LIMIT ?)
                    """, [.real(now), .int(Int64(limit))])
                // The feed's rows of flushed tokens; AUTOINCREMENT keeps their numbers from coming back.
                try c.run("""
                    DELETE FROM blacklist_feed WHERE seq IN (SELECT f.seq FROM blacklist_feed f
                        LEFT JOIN outstanding_tokens o ON o.jti = f.jti WHERE o.id IS NULL LIMIT ?)
                    """, [.int(Int64(limit))])
                return deleted
            }, completion: done)
        }, completion: completion)
    }

    // MARK: Bodies run on the writer connection

    private struct Known {
        let id: Int64
        let family: String
        let blacklistedAt: Double?
        let reason: String?
    }

    private static func find(_ jti: String, _ c: SQLiteConnection) throws(StoreError) -> Known? {
        try c.first("""
            SELECT o.id, o.family, b.blacklisted_at, b.reason
            FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.token_id = o.id
            WHERE o.jti = ?
            """, [.text(jti)]) { row in
            Known(id: row.int64(0), family: row.text(1), blacklistedAt: row.optionalDouble(2), reason: row.optionalText(3))
        }
    }

    /// Inserts a token row unless its jti exists; the row id, and whether it was added.
    private static func insert(
        _ token: TokenRecord, family: String, parentJTI: String?, _ c: SQLiteConnection
    ) throws(StoreError) -> (id: Int64, family: String, inserted: Bool) {
        // The user sub-select stores NULL for a user id that does not exist, as SimpleJWT does
        // (User.DoesNotExist → user=None), instead of failing the foreign key.
        let added = try c.run("""
            INSERT INTO outstanding_tokens (jti, user_id, family, parent_jti, created_at, expires_at)
            VALUES (?1, (SELECT id FROM users WHERE id = ?2), ?3, ?4, ?5, ?6)
            ON CONFLICT (jti) DO NOTHING
            """,
            [.text(token.jti), .optional(token.userID), .text(family), parentJTI.map { .text($0) } ?? .null,
             .optional(token.createdAt), .real(token.expiresAt)])
        if added > 0 { return (c.lastInsertRowID, family, true) }
        guard let existing = try find(token.jti, c) else {
            throw StoreError(.sqlite, "token \(token.jti) was neither inserted nor found")
        }
        return (existing.id, existing.family, false)
    }

    private static func addBlacklistRow(tokenID: Int64, reason: BlacklistReason, now: Double, _ c: SQLiteConnection) throws(StoreError) -> Bool {
        try c.run("""
            INSERT INTO blacklisted_tokens (token_id, blacklisted_at, reason) VALUES (?, ?, ?)
            ON CONFLICT (token_id) DO NOTHING
            """, [.int(tokenID), .real(now), .text(reason.rawValue)]) > 0
    }

    private static func recordBody(
        _ token: TokenRecord, family: String?, parentJTI: String?
    ) -> @Sendable (SQLiteConnection) throws(StoreError) -> Bool {
        { (c) throws(StoreError) -> Bool in
            var chain = family
            if chain == nil, let parentJTI {
                chain = try find(parentJTI, c)?.family
            }
            return try insert(token, family: chain ?? token.jti, parentJTI: parentJTI, c).inserted
        }
    }

    private static func blacklistBody(
        _ token: TokenRecord, reason: BlacklistReason, now: Double
    ) -> @Sendable (SQLiteConnection) throws(StoreError) -> Bool {
        { (c) throws(StoreError) -> Bool in
            let row = try insert(token, family: token.jti, parentJTI: nil, c)
            return try addBlacklistRow(tokenID: row.id, reason: reason, now: now, c)
        }
    }

    private static func rotateBody(
        old: TokenRecord, new: TokenRecord, blacklistOld: Bool, grace: Double, now: Double
    ) -> @Sendable (SQLiteConnection) throws(StoreError) -> RotationOutcome {
        { (c) throws(StoreError) -> RotationOutcome in
            let known = try find(old.jti, c)
            if let reuse = try reuseOutcome(known, jti: old.jti, grace: grace, now: now, c) { return reuse }
            // A token authd issued is already recorded: reuse the row just read instead of an insert that
            // would conflict and a second look-up (the common case, two statements fewer per rotation).
            let parent: (id: Int64, family: String, inserted: Bool)
            if let known {
                parent = (known.id, known.family, false)
            } else {
                parent = try insert(old, family: old.jti, parentJTI: nil, c)
            }
            if blacklistOld {
                _ = try addBlacklistRow(tokenID: parent.id, reason: .rotated, now: now, c)
            }
            let child = try insert(new, family: parent.family, parentJTI: old.jti, c)
            guard child.inserted else {
                throw StoreError(.conflict, "the new token's jti \(new.jti) is already recorded; mint a new jti")
            }
            return .rotated
        }
    }

    /// The reuse branch of a rotation: nil when `jti` is not blacklisted; otherwise the grace decision, revoking
    /// the family outside the grace window.
    private static func reuseOutcome(_ known: Known?, jti: String, grace: Double, now: Double,
                                     _ c: SQLiteConnection) throws(StoreError) -> RotationOutcome? {
        guard let known, let blacklistedAt = known.blacklistedAt else { return nil }
        let raced = known.reason == BlacklistReason.rotated.rawValue && now - blacklistedAt < grace
        if raced, try !hasRotatedChild(jti, c) {
            return .reused(revokedFamilyTokens: 0, withinGrace: true)
        }
        let revoked = try c.run("""
            INSERT INTO blacklisted_tokens (token_id, blacklisted_at, reason)
            SELECT o.id, ?, 'reuse' FROM outstanding_tokens o
            WHERE o.family = ? AND NOT EXISTS (SELECT 1 FROM blacklisted_tokens b WHERE b.token_id = o.id)
            """, [.real(now), .text(known.family)])
        return .reused(revokedFamilyTokens: revoked, withinGrace: false)
    }

    private static func hasRotatedChild(_ jti: String, _ c: SQLiteConnection) throws(StoreError) -> Bool {
        try c.first("""
            SELECT EXISTS (SELECT 1 FROM outstanding_tokens o JOIN blacklisted_tokens b ON b.token_id = o.id
                           WHERE o.parent_jti = ?)
            """, [.text(jti)]) { $0.bool(0) } ?? false
    }
}
