/// Loads and validates a settings file in one pass, returning the settings or every problem found.
///
/// An empty file (or one with only comments) means "all defaults"; since authd has no default signing
/// key (SimpleJWT falls back to Django's SECRET_KEY), such a file still needs SIGNING_KEY_FILE and fails
/// with exactly that one error.
public enum SettingsLoader {
    public struct Options: Sendable {
        /// Read key files and check their permissions. Off only to validate a file whose keys live elsewhere
        /// (the packaged default settings in tests); `KeyMaterial.bytes` is then empty for key files.
        public var checkKeyFiles: Bool

        public init(checkKeyFiles: Bool = true) {
            self.checkKeyFiles = checkKeyFiles
        }
    }

    /// Settings files are small; anything bigger is a wrong path.
    static let maxFileBytes = 1 << 20

    public static func load(path: String, options: Options = Options()) -> Result<AuthdSettings, SettingsErrors> {
        switch FileReader.read(path, maxBytes: maxFileBytes, secret: false) {
        case .failure(let failure):
            return .failure(SettingsErrors([SettingsError(.io, file: path, mark: nil, keyPath: "",
                                                          message: "cannot load settings: \(failure.message)")]))
        case .success(let bytes):
            return parse(bytes: bytes, file: path, options: options)
        }
    }

    /// Parses settings text; `file` names it in messages and anchors relative paths.
    public static func parse(yaml: String, file: String, options: Options = Options()) -> Result<AuthdSettings, SettingsErrors> {
        parse(bytes: Array(yaml.utf8), file: file, options: options)
    }

    static func parse(bytes: [UInt8], file: String, options: Options) -> Result<AuthdSettings, SettingsErrors> {
        let (root, yamlErrors) = YAMLReader.read(bytes, file: file)
        // Without a tree (syntax error, or reading stopped at a runaway alias or nesting) decoding would only
        // add noise such as "no signing key".
        if yamlErrors.contains(where: { $0.code == .syntax }) || (root == nil && !yamlErrors.isEmpty) {
            return .failure(SettingsErrors(yamlErrors))
        }
        let decoder = SettingsDecoder(file: file, options: options)
        var settings = AuthdSettings.decode(root, decoder: decoder)
        let errors = sorted(yamlErrors + decoder.errors)
        guard errors.isEmpty else { return .failure(SettingsErrors(errors)) }
        settings.warnings = sorted(decoder.warnings).map(\.description)
        return .success(settings)
    }

    /// File order, so the list reads top to bottom; file-level errors (no position) come last.
    private static func sorted(_ errors: [SettingsError]) -> [SettingsError] {
        errors.enumerated().sorted { a, b in
            switch (a.element.mark, b.element.mark) {
            case let (x?, y?):
                if (x.line, x.column) != (y.line, y.column) { return (x.line, x.column) < (y.line, y.column) }
                return a.offset < b.offset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }
}
