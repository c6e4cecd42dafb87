import JSON

extension TokenService {
    /// SimpleJWT's `Token.__init__` and `verify`, in its order: signature and PyJWT's claim checks, then (refresh
    /// and sliding tokens) the jti and the blacklist, then `exp`, the jti claim and the token type.
    /// `memo`: see `JWTCodec.decode`; for forward auth, which sees the same access token again and again.
    func validate(_ raw: String, as kind: TokenKind, now time: Double, memo: Bool = false,
                  completion: @escaping Completion<JSONObject>) {
        let token: JSONObject
        do {
            token = try minter.codec.decode(raw, validation: policy.validation, now: Int64(time.rounded(.down)), memo: memo).claims
        } catch {
            return completion(.failure(.invalid(error.code == .expired ? "Token is expired" : "Token is invalid")))
        }
        guard kind.isBlacklistable else {
            return completion(Result { () throws(TokenError) -> JSONObject in
                try checkClaims(token, as: kind, now: time)
                return token
            })
        }
        guard let jti = minter.jti(of: token) else { return completion(.failure(.invalid("Token has no id"))) }
        // The store keeps jtis of 1 to 255 bytes (SimpleJWT's CharField); no retry could make another one valid.
        guard TokenService.isStorable(jti: jti) else { return completion(.failure(.invalid("Token is invalid"))) }
        tokens.isBlacklisted(jti: jti) { [self] result in
            switch result {
            case .success(true):
                completion(.failure(.blacklistedToken))
            case .success(false):
                completion(Result { () throws(TokenError) -> JSONObject in
                    try checkClaims(token, as: kind, now: time)
                    return token
                })
            case .failure(let error):
                completion(.failure(storeFailure(error)))
            }
        }
    }

    static func isStorable(jti: String) -> Bool { !jti.isEmpty && jti.utf8.count <= 255 }

    private func checkClaims(_ token: JSONObject, as kind: TokenKind, now time: Double) throws(TokenError) {
        try checkExpiry(token, claim: "exp", now: time)
        if let jtiClaim = policy.jtiClaim, token[jtiClaim] == nil { throw .invalid("Token has no id") }
        if kind != .untyped, let typeClaim = policy.tokenTypeClaim {
            guard let type = token[typeClaim] else { throw .invalid("Token has no type") }
            guard type == .string(kind.rawValue) else { throw .invalid("Token has wrong type") }
        }
    }

    /// SimpleJWT's `check_exp`: the claim must exist and lie after now - LEEWAY.
    func checkExpiry(_ token: JSONObject, claim: String, now time: Double) throws(TokenError) {
        guard let value = token[claim] else { throw .invalid("Token has no '\(claim)' claim") }
        guard let seconds = value.doubleValue ?? value.intValue.map(Double.init) else {
            throw .invalid("Token is invalid")
        }
        if seconds <= time - policy.leeway { throw .invalid("Token '\(claim)' claim has expired") }
    }
}
