/// SimpleJWT settings that authd refuses, each with what to do instead.
enum LegacySimpleJWTSettings {
    /// SimpleJWT's own REMOVED_SETTINGS: SimpleJWT itself raises for these.
    static let removed: [String: String] = [
        "SECRET_KEY": "SimpleJWT removed SECRET_KEY; set SIGNING_KEY_FILE (or SIGNING_KEY) instead",
        "AUTH_HEADER_TYPE": "SimpleJWT removed AUTH_HEADER_TYPE; use AUTH_HEADER_TYPES (a string or a list)",
        "AUTH_TOKEN_CLASS": "SimpleJWT removed AUTH_TOKEN_CLASS; authd authenticates with access tokens, remove it",
        "TOKEN_BACKEND_CLASS":
            "SimpleJWT removed TOKEN_BACKEND_CLASS; authd's token backend is set by ALGORITHM, SIGNING_KEY_FILE and VERIFYING_KEY_FILE, remove it",
    ]

    /// Settings naming Django code (import paths): authd cannot run Python, so only SimpleJWT's default
    /// value (which describes what authd does anyway) is accepted, and anything else is refused.
    static let importPaths: [(name: String, defaults: [String], instead: String)] = [
        ("AUTH_TOKEN_CLASSES", ["rest_framework_simplejwt.tokens.AccessToken"],
         "authd authenticates requests with access tokens"),
        ("TOKEN_USER_CLASS", ["rest_framework_simplejwt.models.TokenUser"],
         "authd reads users from its own store"),
        ("USER_AUTHENTICATION_RULE", ["rest_framework_simplejwt.authentication.default_user_authentication_rule"],
         "authd accepts active users only (see CHECK_USER_IS_ACTIVE)"),
        ("JSON_ENCODER", [], "authd encodes tokens with its own JSON encoder; custom claims come from `claims:` providers"),
        ("JWK_URL", [], "authd verifies with its own keys (VERIFYING_KEY_FILE) and does not fetch a JWKS URL"),
        ("TOKEN_OBTAIN_SERIALIZER", ["rest_framework_simplejwt.serializers.TokenObtainPairSerializer"],
         "custom claims come from `claims:` providers"),
        ("TOKEN_REFRESH_SERIALIZER", ["rest_framework_simplejwt.serializers.TokenRefreshSerializer"],
         "custom claims come from `claims:` providers"),
        ("TOKEN_VERIFY_SERIALIZER", ["rest_framework_simplejwt.serializers.TokenVerifySerializer"],
         "custom claims come from `claims:` providers"),
        ("TOKEN_BLACKLIST_SERIALIZER", ["rest_framework_simplejwt.serializers.TokenBlacklistSerializer"],
         "custom claims come from `claims:` providers"),
        ("SLIDING_TOKEN_OBTAIN_SERIALIZER", ["rest_framework_simplejwt.serializers.TokenObtainSlidingSerializer"],
         "custom claims come from `claims:` providers"),
        ("SLIDING_TOKEN_REFRESH_SERIALIZER", ["rest_framework_simplejwt.serializers.TokenRefreshSlidingSerializer"],
         "custom claims come from `claims:` providers"),
    ]

    /// Reports an import-path setting unless it holds SimpleJWT's default (null for JSON_ENCODER and JWK_URL).
    static func check(_ field: Field, defaults: [String], instead: String, decoder: SettingsDecoder) {
        let value = field.value
        if value.isNull { return }
        let given = value.sequence?.compactMap(\.scalar) ?? value.scalar.map { [$0] }
        if let given, !defaults.isEmpty, given == defaults { return }
        let name = field.path.split(separator: ".").last.map(String.init) ?? field.path
        decoder.error(.unsupportedSetting, field,
                      "\(name) names Django code, which authd cannot load; \(instead). Remove this setting")
    }
}
