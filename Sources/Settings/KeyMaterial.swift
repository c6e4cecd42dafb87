/// The bytes of a signing or verifying key and where they were configured, so a later crypto error
/// ("not a PEM private key") can point at the setting: `authd.yaml:6:3: SIMPLE_JWT.SIGNING_KEY_FILE: …`.
public struct KeyMaterial: Sendable, CustomStringConvertible {
    /// The secret (HS*: the text with one trailing newline removed) or the PEM text (RS/PS/ES/EdDSA).
    /// Empty when the settings were loaded with `checkKeyFiles: false`.
    public var bytes: [UInt8]
    /// Position of the setting (the key, not the value, so an inline secret is never quoted back).
    public let mark: SourceMark
    /// `SIMPLE_JWT.SIGNING_KEY`, `SIMPLE_JWT.SIGNING_KEY_FILE`, …
    public let keyPath: String
    /// The file the bytes came from (as resolved), nil for an inline key.
    public let path: String?

    public init(bytes: [UInt8], mark: SourceMark, keyPath: String, path: String?) {
        self.bytes = bytes
        self.mark = mark
        self.keyPath = keyPath
        self.path = path
    }

    /// Never prints the key itself: settings may be logged.
    public var description: String {
        "\(keyPath) (\(path ?? "inline"), \(bytes.count) bytes)"
    }
}
