import Settings

/// A problem with one `claims:` entry, found while building or validating its provider.
///
/// `description` reads as a path into the settings file, like every settings error:
/// `authd.yaml:31:5: claims[1] (claims.command): timeout: expected a duration such as "500ms", got "soon"`.
/// `==` compares codes only, so tests and callers can match the kind of problem without the wording.
public struct PluginError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A struct over a private enum, so codes can be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unknownProvider, unknownKey, missingValue, wrongType, invalidValue, reservedClaim, unavailable
            case invalidID, duplicateID, reservedID
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// `provider:` names no registered provider.
        public static let unknownProvider = Code(.unknownProvider)
        /// An option the provider does not know.
        public static let unknownKey = Code(.unknownKey)
        /// A required option is missing.
        public static let missingValue = Code(.missingValue)
        public static let wrongType = Code(.wrongType)
        public static let invalidValue = Code(.invalidValue)
        /// A provider would set a claim that authd sets itself (`exp`, `user_id`, …).
        public static let reservedClaim = Code(.reservedClaim)
        /// Something the provider needs at run time is missing (an executable, the store).
        public static let unavailable = Code(.unavailable)
        /// Registration: the ID is empty or not dot-namespaced lowercase words.
        public static let invalidID = Code(.invalidID)
        /// Registration: the ID is already taken.
        public static let duplicateID = Code(.duplicateID)
        /// Registration: the ID lies in a namespace kept for authd's own providers.
        public static let reservedID = Code(.reservedID)

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// Where in the settings file; nil for registration problems.
    public let mark: SourceMark?
    /// The entry, e.g. `claims[1] (claims.command)`; empty for registration problems.
    public let entry: String
    /// The option inside the entry, e.g. `timeout` or `claims.exp`; empty for the entry as a whole.
    public let key: String
    public let message: String

    public init(_ code: Code, mark: SourceMark?, entry: String, key: String = "", message: String) {
        self.code = code
        self.mark = mark
        self.entry = entry
        self.key = key
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let mark { parts.append(mark.description) }
        if !entry.isEmpty { parts.append(entry) }
        if !key.isEmpty { parts.append(key) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    public static func == (lhs: PluginError, rhs: PluginError) -> Bool { lhs.code == rhs.code }
}

/// Every problem found in the `claims:` section, in file order; `description` lists one per line.
public struct PluginErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [PluginError]

    public init(_ errors: [PluginError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
