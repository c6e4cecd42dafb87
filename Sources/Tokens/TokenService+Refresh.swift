import JOSE
import JSON
import Store

extension TokenService {
    /// `POST /api/token/refresh/`: a new access token, and with rotation a new refresh token, atomically.
    public func refresh(_ raw: String, context: RequestContext, completion outer: @escaping Completion<RefreshedTokens>) {
        let completion = reporting(outer)
        let time = clock.now()
        validate(raw, as: .refresh, now: time) { [self] validated in
            let token: JSONObject
            switch validated {
            case .success(let value):
                token = value
            case .failure(let error):
                return refuseBlacklisted(raw, error, time: time, context: context, completion: completion)
            }
            activeUser(for: token) { [self] found in
                switch found {
                case .failure(let error):
                    completion(.failure(error))
                case .success(let user?) where claims.reevaluatesOnRefresh:
                    evaluateClaims(for: user) { [self] fresh in
                        switch fresh {
                        case .success(let extra):
                            finishRefresh(replacingProviderClaims(of: token, with: extra), user: user, now: time,
                                          context: context, completion: completion)
                        case .failure(let error):
                            completion(.failure(error))
                        }
                    }
                case .success(let user):
                    finishRefresh(token, user: user, now: time, context: context, completion: completion)
                }
            }
        }
    }

    /// The claims authd sets itself from the old token, the providers' current claims for the rest.
    private func replacingProviderClaims(of token: JSONObject, with fresh: JSONObject) -> JSONObject {
        let kept = policy.reservedClaims
        var result = JSONObject()
        for (name, value) in token where kept.contains(name) { result[name] = value }
        for (name, value) in fresh where !kept.contains(name) { result[name] = value }
        return result
    }

    private func finishRefresh(_ validated: JSONObject, user: User?, now time: Double, context: RequestContext,
                               completion: @escaping Completion<RefreshedTokens>) {
        var token = validated
        let access: IssuedToken
        do throws(TokenError) {
            access = try sign(minter.accessPayload(from: token, now: time), kind: .access)
        } catch {
            return completion(.failure(error))
        }
        guard policy.rotateRefreshTokens else {
            events.record(.issued(kind: .access))
            return completion(.success(RefreshedTokens(access: access, refresh: nil)))
        }

        let old = record(of: token, userID: user?.id, createdAt: nil)
        if let jtiClaim = policy.jtiClaim { token[jtiClaim] = .string(TokenIdentifiers.newJTI()) }
        token["exp"] = .int(epoch(time + policy.refreshLifetime))
        token["iat"] = .int(epoch(time))
        let new = record(of: token, userID: user?.id, createdAt: time)
        let refresh: IssuedToken
        do throws(TokenError) {
            refresh = try sign(token, kind: .refresh)
        } catch {
            return completion(.failure(error))
        }
        let policy = self.policy, log = self.log, events = self.events, blacklist = self.blacklist
        tokens.rotate(old: old, new: new, blacklistOld: policy.blacklistAfterRotation, grace: policy.reuseGrace,
                      now: time) { outcome in
            switch outcome {
            case .success(.rotated):
                if policy.blacklistAfterRotation { blacklist.add(jti: old.jti, expiresAt: old.expiresAt) }
                events.record(.rotated(context: context))
                events.record(.issued(kind: .access))
                events.record(.issued(kind: .refresh))
                completion(.success(RefreshedTokens(access: access, refresh: refresh)))
            case .success(.reused(let revoked, let withinGrace)):
                if revoked > 0 { blacklist.invalidate() }
                if !withinGrace {
                    log.warning("refresh token \(TokenIdentifiers.prefix(old.jti)) was reused after rotation; revoked \(revoked) tokens of its family")
                }
                events.record(.reuseDetected(jti: old.jti, revokedTokens: revoked, withinGrace: withinGrace, context: context))
                completion(.failure(.blacklistedToken))
            case .failure(let error):
                log.error("rotation of \(TokenIdentifiers.prefix(old.jti)) failed: \(error)")
                completion(.failure(.storeUnavailable))
            }
        }
    }

    /// Refuses a refresh token that failed validation; a blacklisted one (with rotation) is also reported as reused.
    func refuseBlacklisted<T>(_ raw: String, _ error: TokenError, time: Double, context: RequestContext,
                              completion: @escaping Completion<T>) {
        if error.isBlacklistedToken, policy.rotateRefreshTokens, policy.blacklistAfterRotation,
           let jti = (try? JWTInspector.decodeUnverified(raw))?.claims[policy.jtiClaim ?? "jti"]?.stringValue {
            return reportReuse(jti: jti, refusal: error, time: time, context: context, completion: completion)
        }
        completion(.failure(error))
    }

    /// A rotated (blacklisted) refresh token came back: refuse it, and unless it is the immediate predecessor
    /// within the grace window, revoke every token of its family (the thief's and the owner's alike).
    private func reportReuse<T>(jti: String, refusal: TokenError, time: Double, context: RequestContext,
                                completion: @escaping Completion<T>) {
        let log = self.log, events = self.events, blacklist = self.blacklist
        tokens.reportReuse(jti: jti, grace: policy.reuseGrace, now: time) { outcome in
            if case .success(.reused(let revoked, let withinGrace)?) = outcome {
                if revoked > 0 { blacklist.invalidate() }
                if !withinGrace {
                    log.warning("refresh token \(TokenIdentifiers.prefix(jti)) was reused after rotation; revoked \(revoked) tokens of its family")
                }
                events.record(.reuseDetected(jti: jti, revokedTokens: revoked, withinGrace: withinGrace, context: context))
            } else if case .failure(let error) = outcome {
                log.error("recording the reuse of \(TokenIdentifiers.prefix(jti)) failed: \(error)")
            }
            completion(.failure(refusal))
        }
    }

    /// The refresh serializer's user check. SimpleJWT answers 500 for a deleted user; authd answers 401.
    /// nil: the token names no user (SimpleJWT then skips the check).
    func activeUser(for token: JSONObject, completion: @escaping Completion<User?>) {
        guard let claim = token[policy.userIDClaim], isTruthy(claim) else { return completion(.success(nil)) }
        let check: StoreCompletion<User?> = { [self] found in
            completion(Result { () throws(TokenError) -> User? in
                let user: User?
                switch found {
                case .success(let value): user = value
                case .failure(let error): throw storeFailure(error)
                }
                guard let user else { throw TokenError.noActiveAccountForToken }
                if policy.checkUserIsActive && !user.isActive { throw TokenError.noActiveAccountForToken }
                if policy.checkRevokeToken, let stamped = token[policy.revokeTokenClaim]?.stringValue,
                   stamped != TokenIdentifiers.passwordHashDigest(user.passwordHash) {
                    throw TokenError.passwordChanged
                }
                return user
            })
        }
        switch policy.userIDField {
        case .id:
            guard let id = claimInteger(claim) else { return completion(.failure(.noActiveAccountForToken)) }
            users.user(id: id, completion: check)
        case .username:
            guard case .string(let name) = claim else { return completion(.failure(.noActiveAccountForToken)) }
            users.user(username: name, completion: check)
        }
    }
}

/// Python truthiness of a claim value, as in `if user_id and …`.
func isTruthy(_ value: JSONValue) -> Bool {
    switch value {
    case .null: return false
    case .bool(let b): return b
    case .int(let i): return i != 0
    case .double(let d): return d != 0
    case .string(let s): return !s.isEmpty
    case .array(let a): return !a.isEmpty
    case .object(let o): return !o.isEmpty
    }
}

/// A user id claim as Django's integer primary key lookup would read it ("42" or 42).
func claimInteger(_ value: JSONValue) -> Int64? {
    switch value {
    case .int(let i): return i
    case .string(let s): return Int64(PythonString.strip(s))
    default: return nil
    }
}
