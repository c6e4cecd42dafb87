/// One problem in a settings file, pointing at the line and column of the offending key or value.
///
/// `description` reads `authd.yaml:12:3: SIMPLE_JWT.ACCESS_TOKEN_LIFETIME: expected a duration such as "15m"`.
/// `==` compares codes only, so tests and callers can match the kind of problem without the wording.
public struct SettingsError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of problem this is. A struct over a private enum so codes can be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case io, syntax, unsupportedYAML, duplicateKey, unknownKey, removedSetting, unsupportedSetting
            case notAvailable, wrongType, invalidValue, missingValue, keyFile
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The settings file (or an included file) cannot be read.
        public static let io = Code(.io)
        /// libyaml refused the text.
        public static let syntax = Code(.syntax)
        /// Valid YAML that authd does not accept (tags, non-scalar keys, several documents, deep nesting).
        public static let unsupportedYAML = Code(.unsupportedYAML)
        public static let duplicateKey = Code(.duplicateKey)
        public static let unknownKey = Code(.unknownKey)
        /// A setting SimpleJWT itself removed (SECRET_KEY, AUTH_HEADER_TYPE, …).
        public static let removedSetting = Code(.removedSetting)
        /// A SimpleJWT setting that names Django code (import paths) and cannot mean anything to authd.
        public static let unsupportedSetting = Code(.unsupportedSetting)
        /// A feature named by the specification that this version does not ship (cookies, forward_auth).
        public static let notAvailable = Code(.notAvailable)
        public static let wrongType = Code(.wrongType)
        public static let invalidValue = Code(.invalidValue)
        public static let missingValue = Code(.missingValue)
        /// A key file is missing, unreadable, empty or has unsafe permissions.
        public static let keyFile = Code(.keyFile)

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// The settings file as given; used when there is no `mark` (for example "file not found").
    public let file: String
    public let mark: SourceMark?
    /// Dotted path of the setting, e.g. `SIMPLE_JWT.ALGORITHM` or `listen[1].tcp`; empty for file-level problems.
    public let keyPath: String
    public let message: String

    public init(_ code: Code, file: String, mark: SourceMark?, keyPath: String, message: String) {
        self.code = code
        self.file = mark?.file ?? file
        self.mark = mark
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let location = mark.map { $0.description } ?? file
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }

    public static func == (lhs: SettingsError, rhs: SettingsError) -> Bool { lhs.code == rhs.code }
}
