import JSON
import Store

extension TokenService {
    /// `POST /api/token/verify/`: any valid token; with BLACKLIST_AFTER_ROTATION one whose jti is blacklisted is
    /// refused, whatever its type (as SimpleJWT does). The blacklist is the in-memory view: no I/O per verify.
    public func verify(_ raw: String, context: RequestContext, completion outer: @escaping Completion<Void>) {
        let completion = reporting(outer)
        let time = clock.now()
        validate(raw, as: .untyped, now: time) { [self] result in
            let token: JSONObject
            switch result {
            case .success(let value): token = value
            case .failure(let error): return completion(.failure(error))
            }
            guard policy.blacklistAfterRotation, let jti = minter.jti(of: token), TokenService.isStorable(jti: jti) else {
                return completion(.success(()))
            }
            blacklist.contains(jti: jti, now: time) { [self] found in
                switch found {
                case .success(true): completion(.failure(.blacklistedAtVerify))
                case .success(false): completion(.success(()))
                case .failure(let error): completion(.failure(storeFailure(error)))
                }
            }
        }
    }

    /// `POST /api/token/blacklist/`: logout; the refresh token can no longer be used.
    public func revoke(_ raw: String, context: RequestContext, completion outer: @escaping Completion<Void>) {
        let completion = reporting(outer)
        let time = clock.now()
        validate(raw, as: .refresh, now: time) { [self] result in
            let token: JSONObject
            switch result {
            case .success(let value): token = value
            case .failure(let error):
                // A rotated token presented again is a reuse wherever it is presented, as at refresh.
                return refuseBlacklisted(raw, error, time: time, context: context, completion: completion)
            }
            let revoked = record(of: token, userID: nil, createdAt: time)
            tokens.blacklist(revoked, reason: .logout, now: time) { [self] done in
                switch done {
                case .success:
                    blacklist.add(jti: revoked.jti, expiresAt: revoked.expiresAt)
                    events.record(.loggedOut(jti: revoked.jti, context: context))
                    completion(.success(()))
                case .failure(let error): completion(.failure(storeFailure(error)))
                }
            }
        }
    }

    /// `POST /api/token/sliding/refresh/`: same jti, new `exp`/`iat`, while `refresh_exp` has not passed.
    public func refreshSliding(_ raw: String, context: RequestContext, completion outer: @escaping Completion<IssuedToken>) {
        let completion = reporting(outer)
        let time = clock.now()
        validate(raw, as: .sliding, now: time) { [self] result in
            let validated: JSONObject
            switch result {
            case .success(let value): validated = value
            case .failure(let error): return completion(.failure(error))
            }
            do throws(TokenError) {
                try checkExpiry(validated, claim: policy.slidingRefreshExpClaim, now: time)
            } catch {
                return completion(.failure(error))
            }
            // The same user checks as /refresh/ (active, existing, CHECK_REVOKE_TOKEN): a sliding token must not
            // outlive its user's deactivation or password change.
            activeUser(for: validated) { [self] found in
                let refreshed = found.flatMap { _ in
                    Result { () throws(TokenError) -> IssuedToken in
                        var token = validated
                        token["exp"] = .int(epoch(time + policy.slidingLifetime))
                        token["iat"] = .int(epoch(time))
                        return try sign(token, kind: .sliding)
                    }
                }
                if case .success = refreshed { events.record(.issued(kind: .sliding)) }
                completion(refreshed)
            }
        }
    }
}
