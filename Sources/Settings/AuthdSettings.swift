/// Everything in one settings file, decoded and checked. Produced only by `SettingsLoader`.
public struct AuthdSettings: Sendable {
    public var simpleJWT: SimpleJWTSettings
    public var listen: [ListenerSettings]
    public var store: StoreSettings
    public var passwords: PasswordSettings
    public var security: SecuritySettings
    public var logging: LoggingSettings
    /// The raw entries of `claims:`, each a mapping with a `provider` key. The Plugins module decodes the
    /// options, so Settings stays ignorant of which providers exist.
    public var claims: [YAMLNode]
    /// Accepted but doubtful settings (inline secrets, short HMAC keys), formatted like errors.
    public var warnings: [String]
    /// The settings file as given on the command line.
    public var sourcePath: String

    static let knownKeys = ["SIMPLE_JWT", "listen", "store", "passwords", "claims", "security", "logging"]
    static let futureKeys: [String: (SettingsError.Code, String)] = [
        "cookies": (.notAvailable, "cookie delivery is not available in this version; remove this section"),
        "forward_auth": (.notAvailable, "forward auth is not available in this version; remove this section"),
    ]

    static func decode(_ root: YAMLNode?, decoder: SettingsDecoder) -> AuthdSettings {
        var fields: [String: Field] = [:]
        if let root {
            fields = decoder.fields(of: root, errorMark: root.mark, path: "", known: knownKeys, refuse: futureKeys) ?? [:]
        }
        return AuthdSettings(
            simpleJWT: SimpleJWTSettings.decode(fields["SIMPLE_JWT"], decoder: decoder),
            listen: ListenerSettings.decodeList(fields["listen"], decoder: decoder),
            store: StoreSettings.decode(fields["store"], decoder: decoder),
            passwords: PasswordSettings.decode(fields["passwords"], decoder: decoder),
            security: SecuritySettings.decode(fields["security"], decoder: decoder),
            logging: LoggingSettings.decode(fields["logging"], decoder: decoder),
            claims: decodeClaims(fields["claims"], decoder: decoder),
            warnings: [],
            sourcePath: decoder.file)
    }

    /// Checks only the shape: a list of mappings, each naming a `provider`.
    private static func decodeClaims(_ field: Field?, decoder: SettingsDecoder) -> [YAMLNode] {
        guard let field, !field.value.isNull else { return [] }
        guard let items = field.value.sequence else {
            decoder.wrongType(field, expected: "a list of claim providers such as \"- provider: claims.static\"")
            return []
        }
        for (index, item) in items.enumerated() {
            let path = "claims[\(index)]"
            guard item.mapping != nil else {
                decoder.error(.wrongType, at: item.mark, path,
                              "expected a mapping such as \"provider: claims.static\", got \(item.kindDescription)")
                continue
            }
            guard let provider = item.mapping?.first(where: { $0.key.scalar == "provider" }) else {
                decoder.error(.missingValue, at: item.mark, path, "missing \"provider\", such as \"provider: claims.static\"")
                continue
            }
            let providerField = Field(key: provider.key, value: provider.value, path: path + ".provider")
            _ = decoder.string(providerField, expected: "a provider ID such as \"claims.static\"")
        }
        return items
    }
}
