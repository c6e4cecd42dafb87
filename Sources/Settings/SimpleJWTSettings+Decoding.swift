import JOSE
extension SimpleJWTSettings {
    static let knownKeys = [
        "ACCESS_TOKEN_LIFETIME", "REFRESH_TOKEN_LIFETIME", "ROTATE_REFRESH_TOKENS", "BLACKLIST_AFTER_ROTATION",
        "UPDATE_LAST_LOGIN", "ALGORITHM", "SIGNING_KEY", "SIGNING_KEY_FILE", "VERIFYING_KEY", "VERIFYING_KEY_FILE",
        "AUDIENCE", "ISSUER", "LEEWAY", "AUTH_HEADER_TYPES", "AUTH_HEADER_NAME", "USER_ID_FIELD", "USER_ID_CLAIM",
        "TOKEN_TYPE_CLAIM", "JTI_CLAIM", "SLIDING_TOKEN_REFRESH_EXP_CLAIM", "SLIDING_TOKEN_LIFETIME",
        "SLIDING_TOKEN_REFRESH_LIFETIME", "CHECK_REVOKE_TOKEN", "REVOKE_TOKEN_CLAIM", "CHECK_USER_IS_ACTIVE",
    ] + LegacySimpleJWTSettings.importPaths.map(\.name)

    /// Largest key file read: far above any PEM key, small enough that a wrong path cannot eat memory.
    static let maxKeyFileBytes = 1 << 20

    /// Decodes the section (nil when the file has no `SIMPLE_JWT:`), recording every problem in `decoder`.
    static func decode(_ section: Field?, decoder: SettingsDecoder) -> SimpleJWTSettings {
        let placeholderMark = section?.mark ?? SourceMark(file: decoder.file, line: 1, column: 1)
        var settings = SimpleJWTSettings(
            signingKey: KeyMaterial(bytes: [], mark: placeholderMark, keyPath: "SIMPLE_JWT.SIGNING_KEY", path: nil))
        var fields: [String: Field] = [:]
        if let section {
            let refused = LegacySimpleJWTSettings.removed.mapValues { (SettingsError.Code.removedSetting, $0) }
            guard let found = decoder.fields(of: section.value, errorMark: section.mark, path: "SIMPLE_JWT",
                                             known: knownKeys, refuse: refused) else { return settings }
            fields = found
        }
        for legacy in LegacySimpleJWTSettings.importPaths {
            if let field = fields[legacy.name] {
                LegacySimpleJWTSettings.check(field, defaults: legacy.defaults, instead: legacy.instead, decoder: decoder)
            }
        }

        func duration(_ name: String, allowZero: Bool = false, into value: inout TimeSpan) {
            if let field = fields[name], let span = decoder.duration(field, allowZero: allowZero) { value = span }
        }
        func bool(_ name: String, into value: inout Bool) {
            if let field = fields[name], let flag = decoder.bool(field) { value = flag }
        }
        func claimName(_ name: String, into value: inout String) {
            if let field = fields[name], let text = decoder.string(field, expected: "a claim name") { value = text }
        }

        duration("ACCESS_TOKEN_LIFETIME", into: &settings.accessTokenLifetime)
        duration("REFRESH_TOKEN_LIFETIME", into: &settings.refreshTokenLifetime)
        duration("SLIDING_TOKEN_LIFETIME", into: &settings.slidingTokenLifetime)
        duration("SLIDING_TOKEN_REFRESH_LIFETIME", into: &settings.slidingTokenRefreshLifetime)
        duration("LEEWAY", allowZero: true, into: &settings.leeway)
        bool("ROTATE_REFRESH_TOKENS", into: &settings.rotateRefreshTokens)
        bool("BLACKLIST_AFTER_ROTATION", into: &settings.blacklistAfterRotation)
        bool("UPDATE_LAST_LOGIN", into: &settings.updateLastLogin)
        bool("CHECK_REVOKE_TOKEN", into: &settings.checkRevokeToken)
        bool("CHECK_USER_IS_ACTIVE", into: &settings.checkUserIsActive)
        claimName("USER_ID_CLAIM", into: &settings.userIDClaim)
        claimName("TOKEN_TYPE_CLAIM", into: &settings.tokenTypeClaim)
        claimName("JTI_CLAIM", into: &settings.jtiClaim)
        claimName("SLIDING_TOKEN_REFRESH_EXP_CLAIM", into: &settings.slidingTokenRefreshExpClaim)
        claimName("REVOKE_TOKEN_CLAIM", into: &settings.revokeTokenClaim)

        if let field = fields["ALGORITHM"], let algorithm = decodeAlgorithm(field, decoder: decoder) {
            settings.algorithm = algorithm
        }
        if let field = fields["USER_ID_FIELD"], let name = decoder.choice(field, UserIDField.allCases.map(\.rawValue)),
           let choice = UserIDField(rawValue: name) {
            settings.userIDField = choice
        }
        if let field = fields["AUDIENCE"], !field.value.isNull,
           let values = decoder.stringList(field, expected: "null, an audience string or a list of them") {
            settings.audience = Audience(values: values, isList: field.value.sequence != nil)
        }
        if let field = fields["ISSUER"], !field.value.isNull,
           let issuer = decoder.string(field, expected: "null or an issuer string") {
            settings.issuer = issuer
        }
        if let field = fields["AUTH_HEADER_TYPES"],
           let types = decoder.stringList(field, expected: "a header type such as \"Bearer\" or a list of them") {
            if let bad = types.first(where: { $0.contains(where: { $0.isWhitespace || !$0.isASCII }) }) {
                decoder.error(.invalidValue, field, "header type \"\(bad)\" must be one word of ASCII letters, such as \"Bearer\"")
            } else {
                settings.authHeaderTypes = types
            }
        }
        if let field = fields["AUTH_HEADER_NAME"],
           let text = decoder.string(field, expected: "a header name such as \"HTTP_AUTHORIZATION\"") {
            if let name = AuthHeaderName(text) {
                settings.authHeaderName = name
            } else {
                decoder.error(.invalidValue, field,
                              "expected a Django header name such as \"HTTP_AUTHORIZATION\" or an HTTP header name such as \"X-Access-Token\", got \"\(text)\"")
            }
        }

        checkClaimNames(fields, settings, decoder: decoder)
        // Keys are checked even when ALGORITHM is wrong (with the default), so their problems show in the same pass.
        decodeKeys(fields, section: section, into: &settings, decoder: decoder)
        if let field = fields["REFRESH_TOKEN_LIFETIME"], settings.refreshTokenLifetime < settings.accessTokenLifetime {
            decoder.warn(field, "refresh tokens (\(settings.refreshTokenLifetime)) expire before access tokens (\(settings.accessTokenLifetime))")
        }
        return settings
    }

    private static func decodeAlgorithm(_ field: Field, decoder: SettingsDecoder) -> JWSAlgorithm? {
        guard let name = decoder.string(field, expected: "an algorithm name such as \"HS256\"") else { return nil }
        if let algorithm = JWSAlgorithm(rawValue: name) { return algorithm }
        if name.lowercased() == "none" {
            decoder.error(.invalidValue, field,
                          "\"\(name)\" is refused: unsigned tokens can be forged by anyone; use HS256 or another signing algorithm")
            return nil
        }
        var message = "unknown algorithm \"\(name)\""
        if let guess = Suggestion.closest(to: name, in: JWSAlgorithm.allCases.map(\.rawValue)) {
            message += "; did you mean \"\(guess)\"?"
        }
        decoder.error(.invalidValue, field, message + " (supported: " + JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        return nil
    }

    /// Claim names must differ from each other and from the registered claims authd always sets, or one
    /// claim would silently overwrite another.
    private static func checkClaimNames(_ fields: [String: Field], _ settings: SimpleJWTSettings, decoder: SettingsDecoder) {
        let claims: [(String, String)] = [
            ("USER_ID_CLAIM", settings.userIDClaim), ("TOKEN_TYPE_CLAIM", settings.tokenTypeClaim),
            ("JTI_CLAIM", settings.jtiClaim), ("SLIDING_TOKEN_REFRESH_EXP_CLAIM", settings.slidingTokenRefreshExpClaim),
            ("REVOKE_TOKEN_CLAIM", settings.revokeTokenClaim),
        ]
        let registered = ["exp", "iat", "nbf", "aud", "iss"]
        for (index, (name, value)) in claims.enumerated() {
            guard let field = fields[name] else { continue }
            if registered.contains(value) {
                decoder.error(.invalidValue, field, "\"\(value)\" is a registered JWT claim that authd sets itself; pick another name")
            } else if let other = claims.first(where: { $0.0 != name && $0.1 == value }) {
                // Report a clash once, on the setting that comes later in this list.
                let otherIndex = claims.firstIndex { $0.0 == other.0 } ?? 0
                if otherIndex < index || fields[other.0] == nil {
                    decoder.error(.invalidValue, field, "\"\(value)\" is already used by \(other.0); pick another name")
                }
            }
        }
    }

    private static func decodeKeys(_ fields: [String: Field], section: Field?, into settings: inout SimpleJWTSettings,
                                   decoder: SettingsDecoder) {
        let algorithm = settings.algorithm
        let generate = "run \"authd keys generate --algorithm \(algorithm) --out /var/lib/authd/signing.key\" and set SIGNING_KEY_FILE: /var/lib/authd/signing.key"
        switch (fields["SIGNING_KEY"], fields["SIGNING_KEY_FILE"]) {
        case (nil, nil):
            decoder.error(.missingValue, at: section?.mark, "SIMPLE_JWT", "no signing key; \(generate)")
        case (.some, .some(let file)):
            decoder.error(.invalidValue, file, "set either SIGNING_KEY or SIGNING_KEY_FILE, not both; keep SIGNING_KEY_FILE")
        case (.some(let inline), nil):
            if let key = inlineKey(inline, algorithm: algorithm, decoder: decoder) {
                settings.signingKey = key
                decoder.warn(inline, "an inline signing key can be read by anyone who can read this file; move it to a file with mode 600 and set SIGNING_KEY_FILE")
            }
        case (nil, .some(let file)):
            if let key = fileKey(file, algorithm: algorithm, secret: true, decoder: decoder) { settings.signingKey = key }
        }
        if algorithm.isSymmetric, let minimum = algorithm.hmacMinimumKeyBytes, !settings.signingKey.bytes.isEmpty,
           settings.signingKey.bytes.count < minimum,
           let field = fields["SIGNING_KEY_FILE"] ?? fields["SIGNING_KEY"] {
            decoder.warn(field, "the \(algorithm) key is \(settings.signingKey.bytes.count) bytes; use at least \(minimum) random bytes (\(generate))")
        }

        let verifying = (fields["VERIFYING_KEY"].flatMap { isUnset($0) ? nil : $0 },
                         fields["VERIFYING_KEY_FILE"].flatMap { isUnset($0) ? nil : $0 })
        if algorithm.isSymmetric {
            if let field = verifying.0 ?? verifying.1 {
                decoder.warn(field, "ignored: \(algorithm) verifies with the signing key")
            }
            return
        }
        switch verifying {
        case (nil, nil):
            break
        case (.some, .some(let file)):
            decoder.error(.invalidValue, file, "set either VERIFYING_KEY or VERIFYING_KEY_FILE, not both")
        case (.some(let inline), nil):
            settings.verifyingKey = inlineKey(inline, algorithm: algorithm, decoder: decoder)
        case (nil, .some(let file)):
            settings.verifyingKey = fileKey(file, algorithm: algorithm, secret: false, decoder: decoder)
        }
    }

    /// SimpleJWT's VERIFYING_KEY default is "": an empty or null value means "not set".
    private static func isUnset(_ field: Field) -> Bool {
        field.value.isNull || field.value.scalar == ""
    }

    private static func inlineKey(_ field: Field, algorithm: JWSAlgorithm, decoder: SettingsDecoder) -> KeyMaterial? {
        guard let text = decoder.string(field, expected: algorithm.isSymmetric ? "a secret string" : "PEM text") else {
            return nil
        }
        return KeyMaterial(bytes: Array(text.utf8), mark: field.mark, keyPath: field.path, path: nil)
    }

    static func fileKey(_ field: Field, algorithm: JWSAlgorithm, secret: Bool,
                        decoder: SettingsDecoder) -> KeyMaterial? {
        guard let path = decoder.path(field) else { return nil }
        guard decoder.options.checkKeyFiles else {
            return KeyMaterial(bytes: [], mark: field.mark, keyPath: field.path, path: path)
        }
        var read = FileReader.read(path, maxBytes: maxKeyFileBytes, secret: secret)
        // A private key where a public one would do (a verify-only key) is still a secret.
        if !secret, case .success(let bytes) = read, String(decoding: bytes, as: UTF8.self).contains("PRIVATE KEY-----") {
            read = FileReader.read(path, maxBytes: maxKeyFileBytes, secret: true)
        }
        switch read {
        case .failure(let failure):
            decoder.error(.keyFile, field, failure.message)
            return nil
        case .success(var bytes):
            // A secret file ends with the newline editors and `echo` add; SimpleJWT's SIGNING_KEY string has none.
            if algorithm.isSymmetric, bytes.last == UInt8(ascii: "\n") {
                bytes.removeLast()
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            }
            guard !bytes.isEmpty else {
                decoder.error(.keyFile, field, "\(path) is empty; run \"authd keys generate --algorithm \(algorithm) --out \(path)\"")
                return nil
            }
            return KeyMaterial(bytes: bytes, mark: field.mark, keyPath: field.path, path: path)
        }
    }
}
