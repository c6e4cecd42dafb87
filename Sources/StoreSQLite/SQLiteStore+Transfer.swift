import Store

extension SQLiteStore {
    public func tokens(after jti: String?, limit: Int, completion: @escaping StoreCompletion<[OutstandingToken]>) {
        read(completion) { (c) throws(StoreError) -> [OutstandingToken] in
            try c.all("""
                SELECT o.jti, o.user_id, o.created_at, o.expires_at, o.family, o.parent_jti, b.blacklisted_at, b.reason
                FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.token_id = o.id
                WHERE o.jti > ? ORDER BY o.jti LIMIT ?
                """, [.text(jti ?? ""), .int(Int64(max(0, limit)))], SQLiteStore.outstandingToken(from:))
        }
    }

    /// All in one write transaction.
    public func importTokens(_ tokens: [OutstandingToken], completion: @escaping StoreCompletion<Int>) {
        write(completion, validate: { () throws(StoreError) in
            for token in tokens { try StoreValidation.imported(token) }
        }) { (c) throws(StoreError) -> Int in
            var added = 0
            for token in tokens {
                let inserted = try c.run("""
                    INSERT INTO outstanding_tokens (jti, user_id, family, parent_jti, created_at, expires_at)
                    VALUES (?1, (SELECT id FROM users WHERE id = ?2), ?3, ?4, ?5, ?6)
                    ON CONFLICT (jti) DO NOTHING
                    """,
                    [.text(token.record.jti), .optional(token.record.userID), .text(token.family),
                     token.parentJTI.map { .text($0) } ?? .null, .optional(token.record.createdAt),
                     .real(token.record.expiresAt)])
                guard inserted > 0 else { continue }
                added += 1
                if let at = token.blacklistedAt, let reason = token.blacklistReason {
                    try c.run("INSERT INTO blacklisted_tokens (token_id, blacklisted_at, reason) VALUES (?, ?, ?)",
                              [.int(c.lastInsertRowID), .real(at), .text(reason.rawValue)])
                }
            }
            return added
        }
    }
}
