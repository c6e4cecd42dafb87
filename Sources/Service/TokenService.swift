import JOSE
import JSON
import Passwords
import Store

/// SimpleJWT's serializers and token classes, without HTTP: each operation takes the request's fields and
/// answers with the response body or an `APIError`. Password work runs on the hashing pool; a rotation waits
/// for the store's group commit. Completions may run on any thread.
public final class TokenService: Sendable {
    public typealias Completion = @Sendable (Result<JSONObject, APIError>) -> Void

    let policy: TokenPolicy
    let codec: JWTCodec
    let store: Store
    let hasher: PasswordHasher
    let pool: HashingPool
    let claims: any UserClaimsSource
    let now: Clock
    let log: Logger

    public init(policy: TokenPolicy, codec: JWTCodec, store: Store, hasher: PasswordHasher, pool: HashingPool,
                claims: any UserClaimsSource, log: Logger, clock: @escaping Clock = systemClock) {
        self.policy = policy
        self.codec = codec
        self.store = store
        self.hasher = hasher
        self.pool = pool
        self.claims = claims
        self.log = log
        self.now = clock
    }

    // MARK: obtain

    /// `POST /api/token/` (pair) and `/api/token/sliding/` (sliding): check the credentials on the hashing pool.
    func obtain(_ fields: RequestFields, sliding: Bool, completion: @escaping Completion) {
        let username: String, password: String
        do {
            let values = try fields.strings(["username", "password"], untrimmed: ["password"])
            (username, password) = (values[0], values[1])
        } catch {
            return completion(.failure(error))
        }
        let accepted = pool.submit { [self] in
            completion(Result { () throws(APIError) -> JSONObject in
                let user = try authenticate(username: username, password: Array(password.utf8))
                return try issue(for: user, sliding: sliding)
            })
        }
        if !accepted { completion(.failure(.serviceBusy)) }
    }

    /// Django's `ModelBackend.authenticate` plus SimpleJWT's user rule. Runs on the hashing pool.
    private func authenticate(username: String, password: [UInt8]) throws(APIError) -> User {
        let failure = APIError.authenticationFailed(APIError.noActiveAccount, wwwAuthenticate: policy.wwwAuthenticate)
        guard var user = try storeCall({ () throws(StoreError) in try store.user(username: username) }) else {
            hasher.burnTime(password)   // an unknown user costs what a wrong password costs
            throw failure
        }
        switch hasher.verify(password, against: user.passwordHash) {
        case .invalid:
            throw failure
        case .valid(let needsRehash):
            // Django's check_password setter: upgrade the stored hash to the configured hasher and cost.
            if needsRehash, let rehashed = try? hasher.encode(password) {
                try storeCall { () throws(StoreError) in try store.setPassword(userID: user.id, hash: rehashed) }
                user.passwordHash = rehashed
                log.info("rehashed the password of user \(user.id) with the configured hasher")
            }
        }
        // ModelBackend refuses inactive users whatever CHECK_USER_IS_ACTIVE says.
        guard user.isActive else { throw failure }
        return user
    }

    private func issue(for user: User, sliding: Bool) throws(APIError) -> JSONObject {
        let time = now()
        var token = newPayload(kind: sliding ? .sliding : .refresh,
                               lifetime: sliding ? policy.slidingLifetime : policy.refreshLifetime, now: time)
        if sliding {
            token[policy.slidingRefreshExpClaim] = .int(epoch(time + policy.slidingRefreshLifetime))
        }
        try addUserClaims(to: &token, user: user)
        let record = TokenRecord(jti: jtiString(token) ?? "", userID: user.id, createdAt: time,
                                 expiresAt: Double(token["exp"]?.intValue ?? 0))
        try storeCall { () throws(StoreError) in try store.recordOutstanding(record, family: nil, parentJTI: nil) }
        if policy.updateLastLogin {
            try storeCall { () throws(StoreError) in try store.updateLastLogin(userID: user.id, at: time) }
        }
        if sliding {
            return ["token": .string(try encode(token))]
        }
        let access = accessPayload(from: token, now: time)
        return ["refresh": .string(try encode(token)), "access": .string(try encode(access))]
    }

    /// SimpleJWT's `Token.for_user` plus the configured claim providers.
    private func addUserClaims(to token: inout JSONObject, user: User) throws(APIError) {
        token[policy.userIDClaim] = .string(userIdentifier(user))
        if policy.checkRevokeToken {
            token[policy.revokeTokenClaim] = .string(TokenIdentifiers.passwordHashDigest(user.passwordHash))
        }
        for (name, value) in try claims.claims(for: user) { token[name] = value }
    }

    private func userIdentifier(_ user: User) -> String {
        switch policy.userIDField {
        case .id: return String(user.id)
        case .username: return user.username
        }
    }

    // MARK: refresh

    /// `POST /api/token/refresh/`: a new access token, and with rotation a new refresh token, atomically.
    func refresh(_ fields: RequestFields, completion: @escaping Completion) {
        let time = now()
        let token: JSONObject
        let user: User?
        do {
            let raw = try fields.strings(["refresh"])[0]
            token = try validate(raw, as: .refresh, now: time)
            user = try activeUser(for: token)
        } catch {
            if error.isBlacklistedToken, policy.rotateRefreshTokens, policy.blacklistAfterRotation,
               let jti = try? JWTInspector.decodeUnverified(fields.strings(["refresh"])[0]).claims[policy.jtiClaim ?? "jti"]?.stringValue {
                return reportReuse(jti: jti, refusal: error, time: time, completion: completion)
            }
            return completion(.failure(error))
        }
        // Re-evaluating providers may block (a claims.command hook): never on the event loop.
        if claims.reevaluatesOnRefresh, let user {
            let validated = token
            let accepted = pool.submit { [self] in
                do throws(APIError) {
                    let fresh = try claims.claims(for: user)
                    finishRefresh(replacingProviderClaims(of: validated, with: fresh), user: user, now: time,
                                  completion: completion)
                } catch {
                    completion(.failure(error))
                }
            }
            if !accepted { completion(.failure(.serviceBusy)) }
            return
        }
        finishRefresh(token, user: user, now: time, completion: completion)
    }

    /// The claims authd sets itself from the old token, the providers' current claims for the rest.
    private func replacingProviderClaims(of token: JSONObject, with fresh: JSONObject) -> JSONObject {
        let kept = policy.reservedClaims
        var result = JSONObject()
        for (name, value) in token where kept.contains(name) { result[name] = value }
        for (name, value) in fresh where !kept.contains(name) { result[name] = value }
        return result
    }

    private func finishRefresh(_ validated: JSONObject, user: User?, now time: Double, completion: @escaping Completion) {
        var token = validated
        var body: JSONObject = [:]
        do {
            body["access"] = .string(try encode(accessPayload(from: token, now: time)))
        } catch {
            return completion(.failure(error))
        }
        guard policy.rotateRefreshTokens else { return completion(.success(body)) }

        let old = TokenRecord(jti: jtiString(token) ?? "", userID: user?.id, createdAt: nil,
                              expiresAt: Double(token["exp"]?.intValue ?? 0))
        if let jtiClaim = policy.jtiClaim { token[jtiClaim] = .string(TokenIdentifiers.newJTI()) }
        token["exp"] = .int(epoch(time + policy.refreshLifetime))
        token["iat"] = .int(epoch(time))
        let new = TokenRecord(jti: jtiString(token) ?? "", userID: user?.id, createdAt: time,
                              expiresAt: Double(epoch(time + policy.refreshLifetime)))
        do {
            body["refresh"] = .string(try encode(token))
        } catch {
            return completion(.failure(error))
        }
        let policy = self.policy, log = self.log, answer = body
        store.rotate(old: old, new: new, blacklistOld: policy.blacklistAfterRotation, grace: policy.reuseGrace,
                     now: time) { outcome in
            switch outcome {
            case .success(.rotated):
                completion(.success(answer))
            case .success(.reused(let revoked, let withinGrace)):
                if !withinGrace {
                    log.warning("refresh token \(old.jti) was reused after rotation; revoked \(revoked) tokens of its family")
                }
                completion(.failure(.invalidToken("Token is blacklisted", wwwAuthenticate: policy.wwwAuthenticate)))
            case .failure(let error):
                log.error("rotation of \(old.jti) failed: \(error)")
                completion(.failure(.internalFailure))
            }
        }
    }

    /// A rotated (blacklisted) refresh token came back: refuse it, and unless it is the immediate predecessor
    /// within the grace window, revoke every token of its family (the thief's and the owner's alike).
    private func reportReuse(jti: String, refusal: APIError, time: Double, completion: @escaping Completion) {
        let log = self.log
        store.reportReuse(jti: jti, grace: policy.reuseGrace, now: time) { outcome in
            if case .success(.reused(let revoked, false)?) = outcome {
                log.warning("refresh token \(jti) was reused after rotation; revoked \(revoked) tokens of its family")
            } else if case .failure(let error) = outcome {
                log.error("recording the reuse of \(jti) failed: \(error)")
            }
            completion(.failure(refusal))
        }
    }

    /// The refresh serializer's user check. SimpleJWT answers 500 for a deleted user; authd answers 401.
    private func activeUser(for token: JSONObject) throws(APIError) -> User? {
        guard let claim = token[policy.userIDClaim], isTruthy(claim) else { return nil }
        let failure = APIError.authenticationFailed(APIError.noActiveAccountForToken,
                                                    wwwAuthenticate: policy.wwwAuthenticate)
        let found: User?
        switch policy.userIDField {
        case .id:
            guard let id = claimInteger(claim) else { throw failure }
            found = try storeCall { () throws(StoreError) in try store.user(id: id) }
        case .username:
            guard case .string(let name) = claim else { throw failure }
            found = try storeCall { () throws(StoreError) in try store.user(username: name) }
        }
        guard let user = found else { throw failure }
        if policy.checkUserIsActive && !user.isActive { throw failure }
        if policy.checkRevokeToken, let stamped = token[policy.revokeTokenClaim]?.stringValue,
           stamped != TokenIdentifiers.passwordHashDigest(user.passwordHash) {
            throw APIError.invalidToken("The user's password has been changed.",
                                        wwwAuthenticate: policy.wwwAuthenticate).withCode("password_changed")
        }
        return user
    }

    // MARK: sliding refresh, verify, blacklist

    /// `POST /api/token/sliding/refresh/`: same jti, new `exp`/`iat`, while `refresh_exp` has not passed.
    func slidingRefresh(_ fields: RequestFields) -> Result<JSONObject, APIError> {
        Result { () throws(APIError) -> JSONObject in
            let time = now()
            let raw = try fields.strings(["token"])[0]
            var token = try validate(raw, as: .sliding, now: time)
            try checkExpiry(token, claim: policy.slidingRefreshExpClaim, now: time)
            token["exp"] = .int(epoch(time + policy.slidingLifetime))
            token["iat"] = .int(epoch(time))
            return ["token": .string(try encode(token))]
        }
    }

    /// `POST /api/token/verify/`: any valid token; a blacklisted one is a 400 when BLACKLIST_AFTER_ROTATION is on.
    func verify(_ fields: RequestFields) -> Result<JSONObject, APIError> {
        Result { () throws(APIError) -> JSONObject in
            let raw = try fields.strings(["token"])[0]
            let token = try validate(raw, as: .untyped, now: now())
            // Only refresh and sliding tokens are ever recorded, so only they can be blacklisted: an access token
            // (the usual thing to verify) needs no store lookup, and the answer is the same.
            let recordable = policy.tokenTypeClaim.map { token[$0] != .string(TokenKind.access.rawValue) } ?? true
            if policy.blacklistAfterRotation, recordable, let jti = jtiString(token),
               try storeCall({ () throws(StoreError) in try store.isBlacklisted(jti: jti) }) {
                throw APIError(status: 400, body: ["non_field_errors": .array([.string("Token is blacklisted")])])
            }
            return [:]
        }
    }

    /// `POST /api/token/blacklist/`: logout; the refresh token can no longer be used.
    func blacklist(_ fields: RequestFields) -> Result<JSONObject, APIError> {
        Result { () throws(APIError) -> JSONObject in
            let time = now()
            let raw = try fields.strings(["refresh"])[0]
            let token = try validate(raw, as: .refresh, now: time)
            let record = TokenRecord(jti: jtiString(token) ?? "", userID: nil, createdAt: time,
                                     expiresAt: Double(token["exp"]?.intValue ?? 0))
            _ = try storeCall { () throws(StoreError) in try store.blacklist(record, reason: .logout, now: time) }
            return [:]
        }
    }

    // MARK: token validation (SimpleJWT's Token.__init__ and verify)

    func validate(_ raw: String, as kind: TokenKind, now time: Double) throws(APIError) -> JSONObject {
        let token: JSONObject
        do {
            token = try codec.decode(raw, validation: policy.validation, now: Int64(time.rounded(.down))).claims
        } catch {
            throw invalid(error.code == .expired ? "Token is expired" : "Token is invalid")
        }
        if kind.isBlacklistable {
            guard let jti = jtiString(token) else { throw invalid("Token has no id") }
            if try storeCall({ () throws(StoreError) in try store.isBlacklisted(jti: jti) }) {
                var refusal = invalid("Token is blacklisted")
                refusal.isBlacklistedToken = true
                throw refusal
            }
        }
        try checkExpiry(token, claim: "exp", now: time)
        if let jtiClaim = policy.jtiClaim, token[jtiClaim] == nil { throw invalid("Token has no id") }
        if kind != .untyped, let typeClaim = policy.tokenTypeClaim {
            guard let type = token[typeClaim] else { throw invalid("Token has no type") }
            guard type == .string(kind.rawValue) else { throw invalid("Token has wrong type") }
        }
        return token
    }

    /// SimpleJWT's `check_exp`: the claim must exist and lie after now - LEEWAY.
    private func checkExpiry(_ token: JSONObject, claim: String, now time: Double) throws(APIError) {
        guard let value = token[claim] else { throw invalid("Token has no '\(claim)' claim") }
        guard let seconds = value.doubleValue ?? value.intValue.map(Double.init) else {
            throw invalid("Token is invalid")
        }
        if seconds <= time - policy.leeway { throw invalid("Token '\(claim)' claim has expired") }
    }

    private func invalid(_ detail: String) -> APIError {
        .invalidToken(detail, wwwAuthenticate: policy.wwwAuthenticate)
    }

    // MARK: building tokens

    private func newPayload(kind: TokenKind, lifetime: Double, now time: Double) -> JSONObject {
        var payload = JSONObject()
        if let typeClaim = policy.tokenTypeClaim { payload[typeClaim] = .string(kind.rawValue) }
        payload["exp"] = .int(epoch(time + lifetime))
        payload["iat"] = .int(epoch(time))
        if let jtiClaim = policy.jtiClaim { payload[jtiClaim] = .string(TokenIdentifiers.newJTI()) }
        return payload
    }

    /// SimpleJWT's `RefreshToken.access_token`: a new access token carrying every other claim of the refresh token.
    private func accessPayload(from refresh: JSONObject, now time: Double) -> JSONObject {
        var access = newPayload(kind: .access, lifetime: policy.accessLifetime, now: time)
        let skip = policy.noCopyClaims
        for (name, value) in refresh where !skip.contains(name) { access[name] = value }
        return access
    }

    private func encode(_ payload: JSONObject) throws(APIError) -> String {
        var claims = payload
        if let audience = policy.audience { claims["aud"] = audience }
        if let issuer = policy.issuer { claims["iss"] = .string(issuer) }
        do {
            return try codec.sign(claims)
        } catch {
            log.error("signing failed: \(error)")
            throw APIError.internalFailure
        }
    }

    private func jtiString(_ token: JSONObject) -> String? {
        guard let value = token[policy.jtiClaim ?? "jti"] else { return nil }
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: return JSON.serializeString(value)
        }
    }

    /// Store failures (disk full, I/O) are the server's problem: logged, answered 503, never a 500.
    private func storeCall<T>(_ body: () throws(StoreError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            log.error("store: \(error)")
            throw APIError.internalFailure
        }
    }
}

/// `datetime_to_epoch`: whole seconds, rounded down.
func epoch(_ seconds: Double) -> Int64 { Int64(seconds.rounded(.down)) }

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

extension APIError {
    func withCode(_ code: String) -> APIError {
        var body = self.body
        body["code"] = .string(code)
        return APIError(status: status, body: body, headers: headers)
    }
}
