/// Everything in one settings file, decoded and checked. Produced only by `SettingsLoader`.
public struct AuthdSettings: Sendable {
    public var simpleJWT: SimpleJWTSettings
    public var listen: [ListenerSettings]
    public var store: StoreSettings
    public var passwords: PasswordSettings
    public var security: SecuritySettings
    public var logging: LoggingSettings
    /// `cookies:`: how `delivery: cookie` listeners set and check cookies.
    public var cookies: CookieSettings
    /// `forward_auth:`: the proxy's `GET <prefix>/auth/`.
    public var forwardAuth: ForwardAuthSettings
    /// The raw entries of `claims:`, each a mapping with a `provider` key. The Plugins module decodes the
    /// options, so Settings stays ignorant of which providers exist.
    /// Entries are named `claims[N]` in messages, also in the mapping shape (`claims.providers`).
    public var claims: [YAMLNode]
    /// The rest of the `claims:` section (its mapping shape): re-evaluation at refresh and the size cap.
    public var claimsPolicy: ClaimsPolicy
    /// The `keys:` section: key ids, verify-only keys for rotation, JWKS caching.
    public var keys = KeySettings()
    /// Accepted but doubtful settings (inline secrets, short HMAC keys), formatted like errors.
    public var warnings: [String]
    /// The settings file as given on the command line.
    public var sourcePath: String

    static let knownKeys = ["SIMPLE_JWT", "listen", "store", "passwords", "claims", "security", "logging",
                            "cookies", "forward_auth", "keys"]

    static func decode(_ root: YAMLNode?, decoder: SettingsDecoder) -> AuthdSettings {
        var fields: [String: Field] = [:]
        if let root {
            fields = decoder.fields(of: root, errorMark: root.mark, path: "", known: knownKeys) ?? [:]
        }
        let (claims, claimsPolicy) = ClaimsPolicy.decode(fields["claims"], decoder: decoder)
        let simpleJWT = SimpleJWTSettings.decode(fields["SIMPLE_JWT"], decoder: decoder)
        var settings = AuthdSettings(
            simpleJWT: simpleJWT,
            listen: ListenerSettings.decodeList(fields["listen"], decoder: decoder),
            store: StoreSettings.decode(fields["store"], decoder: decoder),
            passwords: PasswordSettings.decode(fields["passwords"], decoder: decoder),
            security: SecuritySettings.decode(fields["security"], decoder: decoder),
            logging: LoggingSettings.decode(fields["logging"], decoder: decoder),
            cookies: CookieSettings.decode(fields["cookies"], decoder: decoder),
            forwardAuth: ForwardAuthSettings.decode(fields["forward_auth"], decoder: decoder),
            claims: claims,
            claimsPolicy: claimsPolicy,
            warnings: [],
            sourcePath: decoder.file)
        settings.keys = KeySettings.decode(fields["keys"], algorithm: simpleJWT.algorithm, decoder: decoder)
        return settings
    }
}
