import JSON
import Settings

/// The options of one `claims:` entry, read strictly: each accessor refuses a wrong type with an error that
/// points at the value, e.g. `authd.yaml:31:5: claims[1] (claims.command): timeout: expected a duration …`.
///
/// The registry has already refused keys outside the provider's `optionKeys` when `init(options:)` runs.
public struct ProviderOptions {
    /// The entry's mapping, including `provider` and `on_error`.
    public let node: YAMLNode
    /// The entry as messages name it: `claims[1] (claims.command)`.
    public let entry: String
    public let environment: ProviderEnvironment

    public init(node: YAMLNode, entry: String, environment: ProviderEnvironment) {
        self.node = node
        self.entry = entry
        self.environment = environment
    }

    /// The raw value of an option, nil when absent.
    public func value(_ key: String) -> YAMLNode? { node[key] }

    /// The key node of an option (errors about a whole option point at its key, as settings errors do).
    public func keyNode(_ key: String) -> YAMLNode? {
        node.mapping?.first(where: { $0.key.scalar == key })?.key
    }

    /// An error about `key`, pointing at `at` (default: the key itself, or the entry when the key is absent).
    public func error(_ code: PluginError.Code, _ key: String, at mark: SourceMark? = nil, _ message: String) -> PluginError {
        PluginError(code, mark: mark ?? keyNode(key)?.mark ?? node.mark, entry: entry, key: key, message: message)
    }

    /// Where an option was written, kept by a provider to report problems found later by `validate`.
    public func site(_ key: String) -> OptionSite {
        OptionSite(mark: keyNode(key)?.mark ?? node.mark, entry: entry, key: key)
    }

    // MARK: Typed accessors: nil when the option is absent (or null), an error when it has the wrong type.

    public func required<T>(_ key: String, _ read: (String) throws(PluginError) -> T?) throws(PluginError) -> T {
        guard let value = try read(key) else {
            throw error(.missingValue, key, at: node.mark, "missing \"\(key)\"")
        }
        return value
    }

    public func string(_ key: String, expected: String = "a string") throws(PluginError) -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.scalar else { throw wrongType(key, value, expected) }
        guard !text.isEmpty else { throw error(.invalidValue, key, "expected \(expected), got an empty string") }
        return text
    }

    public func bool(_ key: String) throws(PluginError) -> Bool? {
        guard let value = present(key) else { return nil }
        if value.isPlainScalar, let text = value.scalar {
            if ["true", "True", "TRUE"].contains(text) { return true }
            if ["false", "False", "FALSE"].contains(text) { return false }
        }
        throw wrongType(key, value, "true or false")
    }

    public func integer(_ key: String, in range: ClosedRange<Int>, expected: String = "an integer") throws(PluginError) -> Int? {
        guard let value = present(key) else { return nil }
        guard value.isPlainScalar, let text = value.scalar, let number = YAMLScalar.integer(text) else {
            throw wrongType(key, value, expected)
        }
        guard let small = Int(exactly: number), range.contains(small) else {
            throw error(.invalidValue, key, "\(number) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
        }
        return small
    }

    /// A duration such as `500ms`, `2s` or a plain number of seconds, within `range`.
    public func duration(_ key: String, in range: ClosedRange<TimeSpan>) throws(PluginError) -> TimeSpan? {
        guard let value = present(key) else { return nil }
        let expected = "a duration such as \"500ms\" or \"2s\""
        guard let text = value.scalar, let span = TimeSpan(text) else { throw wrongType(key, value, expected) }
        guard range.contains(span) else {
            throw error(.invalidValue, key, "\(span) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
        }
        return span
    }

    /// One of a fixed set of words.
    public func choice(_ key: String, _ options: [String]) throws(PluginError) -> String? {
        let listed = options.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let text = try string(key, expected: "one of \(listed)") else { return nil }
        guard options.contains(text) else {
            throw error(.invalidValue, key, "unknown value \"\(text)\" (expected one of \(listed))")
        }
        return text
    }

    /// A non-empty list of non-empty strings.
    public func stringList(_ key: String, expected: String) throws(PluginError) -> [String]? {
        guard let value = present(key) else { return nil }
        guard let items = value.sequence else { throw wrongType(key, value, expected) }
        guard !items.isEmpty else { throw error(.invalidValue, key, "expected \(expected), got an empty list") }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.scalar, !item.isNull, !text.isEmpty else {
                throw error(.wrongType, "\(key)[\(index)]", at: item.mark, "expected a non-empty string, got \(item.kindDescription)")
            }
            result.append(text)
        }
        return result
    }

    /// A mapping of string keys to string values, in file order.
    public func stringMap(_ key: String, expected: String) throws(PluginError) -> [(key: String, value: String)]? {
        guard let value = present(key) else { return nil }
        guard let entries = value.mapping else { throw wrongType(key, value, expected) }
        var result: [(key: String, value: String)] = []
        for (name, item) in entries {
            let itemKey = "\(key).\(name.scalar ?? "")"
            guard let text = item.scalar, !item.isNull else {
                throw error(.wrongType, itemKey, at: item.mark, "expected a string, got \(item.kindDescription)")
            }
            result.append((name.scalar ?? "", text))
        }
        return result
    }

    /// A mapping whose values become JSON claim values (see `YAMLScalar.json`).
    public func jsonObject(_ key: String, expected: String) throws(PluginError) -> JSONObject? {
        guard let value = present(key) else { return nil }
        guard value.mapping != nil else { throw wrongType(key, value, expected) }
        switch YAMLScalar.json(value, path: key) {
        case .success(let json): return json.objectValue
        case .failure(let problem):
            throw error(.invalidValue, problem.path, at: problem.mark, problem.message)
        }
    }

    // MARK: Helpers

    private func present(_ key: String) -> YAMLNode? {
        guard let value = node[key], !value.isNull else { return nil }
        return value
    }

    private func wrongType(_ key: String, _ value: YAMLNode, _ expected: String) -> PluginError {
        error(.wrongType, key, "expected \(expected), got \(value.kindDescription)")
    }
}

/// Where an option was written: lets `validate` report a problem at the option that caused it.
public struct OptionSite: Sendable {
    public let mark: SourceMark
    public let entry: String
    public let key: String

    public func error(_ code: PluginError.Code, _ message: String) -> PluginError {
        PluginError(code, mark: mark, entry: entry, key: key, message: message)
    }
}
