import JSON

/// PyJWT 2.x `_validate_claims` as SimpleJWT invokes it, in PyJWT's order (iat, nbf, exp, iss, aud, sub, jti)
/// so that a token with several problems fails with the same error PyJWT would raise.
enum ClaimsValidator {
    static func validate(_ claims: JSONObject, _ validation: JWTValidation, now: Int64) throws(JWTDecodeError) {
        let now = Double(now)
        let leeway = validation.leeway

        if let iat = claims["iat"] {
            guard let value = pythonInt(iat) else {
                throw JWTDecodeError(code: .invalidClaim, message: "Issued At claim (iat) must be an integer.")
            }
            if value > now + leeway {
                throw JWTDecodeError(code: .immature, message: "The token is not yet valid (iat)")
            }
        }
        if let nbf = claims["nbf"] {
            guard let value = pythonInt(nbf) else {
                throw JWTDecodeError(code: .invalidClaim, message: "Not Before claim (nbf) must be an integer.")
            }
            if value > now + leeway {
                throw JWTDecodeError(code: .immature, message: "The token is not yet valid (nbf)")
            }
        }
        if validation.verifyExpiry, let exp = claims["exp"] {
            guard let value = pythonInt(exp) else {
                throw JWTDecodeError(code: .invalidClaim, message: "Expiration Time claim (exp) must be an integer.")
            }
            if value <= now - leeway {
                throw JWTDecodeError(code: .expired, message: "Signature has expired")
            }
        }
        if let issuer = validation.issuer {
            guard let iss = claims["iss"] else {
                throw JWTDecodeError(code: .invalidIssuer, message: "Token is missing the \"iss\" claim")
            }
            guard let value = iss.stringValue else {
                throw JWTDecodeError(code: .invalidIssuer, message: "Payload Issuer (iss) must be a string")
            }
            if value != issuer { throw JWTDecodeError(code: .invalidIssuer, message: "Invalid issuer") }
        }
        if let audience = validation.audience {
            try validateAudience(claims["aud"], accepted: audience)
        }
        if let sub = claims["sub"], sub.stringValue == nil {
            throw JWTDecodeError(code: .invalidClaim, message: "Subject must be a string")
        }
        if let jti = claims["jti"], jti.stringValue == nil {
            throw JWTDecodeError(code: .invalidClaim, message: "JWT ID must be a string")
        }
    }

    private static func validateAudience(_ aud: JSONValue?, accepted: [String]) throws(JWTDecodeError) {
        guard let aud, !aud.isFalsy else {
            throw JWTDecodeError(code: .invalidAudience, message: "Token is missing the \"aud\" claim")
        }
        let values: [String]
        switch aud {
        case .string(let s): values = [s]
        case .array(let items):
            var strings: [String] = []
            for item in items {
                guard let s = item.stringValue else {
                    throw JWTDecodeError(code: .invalidAudience, message: "Invalid claim format in token")
                }
                strings.append(s)
            }
            values = strings
        default:
            throw JWTDecodeError(code: .invalidAudience, message: "Invalid claim format in token")
        }
        if !accepted.contains(where: values.contains) {
            throw JWTDecodeError(code: .invalidAudience, message: "Audience doesn't match")
        }
    }

    /// What Python's `int(value)` gives for a JSON value (as a Double, so huge values still compare), or nil
    /// where it raises. Mirrors its quirks: floats truncate, booleans are 0/1, numeric strings parse.
    static func pythonInt(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d.rounded(.towardZero)
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return pythonIntFromString(s)
        case .null, .array, .object: return nil
        }
    }

    /// `int("  -1_000 ")`: optional whitespace and sign, ASCII digits with single underscores between them.
    private static func pythonIntFromString(_ s: String) -> Double? {
        let trimmed = s.utf8.drop { isSpace($0) }.reversed().drop { isSpace($0) }.reversed()
        var bytes = Array(trimmed)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard let first = bytes.first, let last = bytes.last, isDigit(first), isDigit(last) else { return nil }
        var digits: [UInt8] = []
        var previousUnderscore = false
        for c in bytes {
            if c == UInt8(ascii: "_") {
                if previousUnderscore { return nil }
                previousUnderscore = true
            } else if isDigit(c) {
                previousUnderscore = false
                digits.append(c)
            } else {
                return nil
            }
        }
        guard let magnitude = Double(String(decoding: digits, as: UTF8.self)) else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
}
