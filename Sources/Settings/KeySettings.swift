import JOSE

/// The `keys:` section: key ids and verify-only keys for rotation, and how long the JWKS may be cached. The
/// signing key itself stays in `SIMPLE_JWT` under SimpleJWT's names; this section holds what SimpleJWT has no
/// setting for.
public struct KeySettings: Sendable {
    /// The `kid` of SIMPLE_JWT's signing key; nil: its RFC 7638 thumbprint (asymmetric) or no `kid` (HS*).
    public var signingKeyID: String?
    /// Keys that verify tokens but never sign: the next key before it starts signing, retired keys until the
    /// tokens they signed have expired.
    public var verifying: [VerifyingKeySettings] = []
    /// `Cache-Control: max-age` of `/.well-known/jwks.json`.
    public var jwksMaxAge: TimeSpan = .minutes(5)

    public init() {}

    static let knownKeys = ["signing_key_id", "verifying", "jwks_max_age"]

    static func decode(_ section: Field?, algorithm: JWSAlgorithm, decoder: SettingsDecoder) -> KeySettings {
        var settings = KeySettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "keys",
                                          known: knownKeys) else { return settings }
        if let field = fields["signing_key_id"], let id = keyID(field, decoder: decoder) { settings.signingKeyID = id }
        if let field = fields["jwks_max_age"], let span = decoder.duration(field, allowZero: true) {
            settings.jwksMaxAge = span
        }
        if let field = fields["verifying"], !field.value.isNull {
            guard let items = field.value.sequence else {
                decoder.wrongType(field, expected: "a list of keys such as \"- file: /var/lib/authd/old.key.pub\"")
                return settings
            }
            for (index, item) in items.enumerated() {
                let path = "keys.verifying[\(index)]"
                if let key = VerifyingKeySettings.decode(item, path: path, algorithm: algorithm, decoder: decoder) {
                    settings.verifying.append(key)
                }
            }
        }
        return settings
    }

    /// A key id: printable ASCII without quotes or backslashes, so it reads the same in a header, a log and YAML.
    static func keyID(_ field: Field, decoder: SettingsDecoder) -> String? {
        guard let id = decoder.string(field, expected: "a key id such as \"2025-06\"") else { return nil }
        guard id.utf8.count <= 128, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) else {
            decoder.error(.invalidValue, field, "a key id is 1 to 128 printable ASCII characters without spaces, quotes or backslashes")
            return nil
        }
        return id
    }
}

/// One entry of `keys.verifying`.
public struct VerifyingKeySettings: Sendable {
    public var algorithm: JWSAlgorithm
    /// nil: the RFC 7638 thumbprint (asymmetric), or no id (HS*: then only tokens without `kid` try it).
    public var keyID: String?
    /// The secret (HS*, one trailing newline removed) or PEM text, with where it was configured.
    public var material: KeyMaterial

    static func decode(_ item: YAMLNode, path: String, algorithm defaultAlgorithm: JWSAlgorithm,
                       decoder: SettingsDecoder) -> VerifyingKeySettings? {
        guard let fields = decoder.fields(of: item, errorMark: item.mark, path: path, known: ["file", "algorithm", "id"]) else {
            return nil
        }
        var algorithm = defaultAlgorithm
        if let field = fields["algorithm"] {
            guard let name = decoder.choice(field, JWSAlgorithm.allCases.map(\.rawValue)),
                  let chosen = JWSAlgorithm(rawValue: name) else { return nil }
            algorithm = chosen
        }
        var keyID: String?
        if let field = fields["id"] {
            guard let id = KeySettings.keyID(field, decoder: decoder) else { return nil }
            keyID = id
        }
        guard let field = fields["file"] else {
            decoder.error(.missingValue, at: item.mark, path, "a verifying key needs file: PATH (a PEM public key, or an HS* secret)")
            return nil
        }
        guard let material = SimpleJWTSettings.fileKey(field, algorithm: algorithm, secret: algorithm.isSymmetric,
                                                         decoder: decoder) else { return nil }
        return VerifyingKeySettings(algorithm: algorithm, keyID: keyID, material: material)
    }
}
