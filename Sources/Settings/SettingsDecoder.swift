/// A setting as found in a mapping: its key (where errors point), its value, and its dotted path.
struct Field {
    let key: YAMLNode
    let value: YAMLNode
    let path: String

    var mark: SourceMark { key.mark }
}

/// Collects every error and warning of one decoding pass and turns YAML scalars into typed values.
///
/// Each typed accessor returns nil after recording an error, so section decoders keep their default
/// and go on: one pass reports everything wrong in the file.
final class SettingsDecoder {
    let file: String
    let options: SettingsLoader.Options
    private(set) var errors: [SettingsError] = []
    private(set) var warnings: [SettingsError] = []

    init(file: String, options: SettingsLoader.Options) {
        self.file = file
        self.options = options
    }

    func error(_ code: SettingsError.Code, at mark: SourceMark?, _ path: String, _ message: String) {
        errors.append(SettingsError(code, file: file, mark: mark, keyPath: path, message: message))
    }

    func error(_ code: SettingsError.Code, _ field: Field, _ message: String) {
        error(code, at: field.mark, field.path, message)
    }

    func warn(_ field: Field, _ message: String) {
        warnings.append(SettingsError(.invalidValue, file: file, mark: field.mark, keyPath: field.path, message: message))
    }

    func wrongType(_ field: Field, expected: String) {
        error(.wrongType, field, "expected \(expected), got \(field.value.kindDescription)")
    }

    // MARK: Mappings

    /// The fields of a settings mapping by name; a null value counts as an empty mapping (all defaults).
    /// Keys not in `known` are reported, with a suggestion when one is close; `refuse` maps names to the
    /// exact error to give instead (removed or unsupported settings).
    func fields(of node: YAMLNode, errorMark: SourceMark?, path: String, known: [String],
                refuse: [String: (SettingsError.Code, String)] = [:]) -> [String: Field]? {
        if node.isNull { return [:] }
        guard let entries = node.mapping else {
            error(.wrongType, at: errorMark ?? node.mark, path, "expected a mapping of settings, got \(node.kindDescription)")
            return nil
        }
        var result: [String: Field] = [:]
        for (key, value) in entries {
            guard let name = key.scalar else { continue }  // the reader already refused non-scalar keys
            let fieldPath = path.isEmpty ? name : "\(path).\(name)"
            if known.contains(name) {
                result[name] = Field(key: key, value: value, path: fieldPath)
            } else if let (code, message) = refuse[name] {
                error(code, at: key.mark, fieldPath, message)
            } else {
                var message = "unknown key \"\(name)\""
                if let guess = Suggestion.closest(to: name, in: known) {
                    message += "; did you mean \"\(guess)\"?"
                } else {
                    message += "; known keys: " + known.joined(separator: ", ")
                }
                error(.unknownKey, at: key.mark, fieldPath, message)
            }
        }
        return result
    }

    // MARK: Scalars

    func bool(_ field: Field) -> Bool? {
        let value = field.value
        guard let text = value.scalar, !value.isNull else {
            wrongType(field, expected: "true or false")
            return nil
        }
        switch text {
        case "true", "True", "TRUE": if value.isPlainScalar { return true }
        case "false", "False", "FALSE": if value.isPlainScalar { return false }
        default: break
        }
        if !value.isPlainScalar, ["true", "false"].contains(text.lowercased()) {
            error(.wrongType, field, "expected true or false, got the quoted string \"\(text)\"; remove the quotes")
        } else {
            wrongType(field, expected: "true or false")
        }
        return nil
    }

    /// A non-empty text value. Unquoted numbers and words are text too (`group: 1000`, `ISSUER: yes`).
    func string(_ field: Field, expected: String = "a string") -> String? {
        let value = field.value
        guard let text = value.scalar, !value.isNull else {
            wrongType(field, expected: expected)
            return nil
        }
        guard !text.isEmpty else {
            error(.invalidValue, field, "expected \(expected), got an empty string")
            return nil
        }
        return text
    }

    /// A string, or a list of strings (a single string becomes a one-element list).
    func stringList(_ field: Field, expected: String) -> [String]? {
        if let items = field.value.sequence {
            var result: [String] = []
            var failed = false
            for (index, item) in items.enumerated() {
                let itemField = Field(key: item, value: item, path: "\(field.path)[\(index)]")
                if let text = string(itemField, expected: "a string") { result.append(text) } else { failed = true }
            }
            if failed { return nil }
            guard !result.isEmpty else {
                error(.invalidValue, field, "expected \(expected), got an empty list")
                return nil
            }
            return result
        }
        if field.value.scalar != nil, !field.value.isNull { return string(field, expected: expected).map { [$0] } }
        wrongType(field, expected: expected)
        return nil
    }

    /// One of a fixed set of words, with a suggestion for near misses.
    func choice(_ field: Field, _ options: [String]) -> String? {
        let listed = options.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let text = field.value.scalar, !field.value.isNull else {
            wrongType(field, expected: "one of \(listed)")
            return nil
        }
        if options.contains(text) { return text }
        var message = "unknown value \"\(text)\""
        if let guess = Suggestion.closest(to: text, in: options) { message += "; did you mean \"\(guess)\"?" }
        error(.invalidValue, field, message + " (expected one of \(listed))")
        return nil
    }

    /// An unquoted decimal integer (`_` separators allowed, as in `1_500_000`) within `range`.
    func integer(_ field: Field, in range: ClosedRange<Int>, expected: String = "an integer") -> Int? {
        let value = field.value
        guard let text = value.scalar, !value.isNull else {
            wrongType(field, expected: expected)
            return nil
        }
        guard let number = Self.parseInteger(text) else {
            error(.wrongType, field, "expected \(expected), got \(value.kindDescription)")
            return nil
        }
        guard value.isPlainScalar else {
            error(.wrongType, field, "expected \(expected), got the quoted string \"\(text)\"; remove the quotes")
            return nil
        }
        guard range.contains(number) else {
            error(.invalidValue, field, "\(number) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    static func parseInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber, digits.last != "_" else { return nil }
        var value = 0
        for character in digits where character != "_" {
            guard let digit = character.wholeNumberValue, character.isASCII else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = plus
        }
        return negative ? -value : value
    }

    /// A duration (`15m`, `1h30m`, `500ms`) or a number of seconds.
    /// - Parameter allowZero: false for lifetimes and timeouts, true for grace periods and LEEWAY.
    func duration(_ field: Field, allowZero: Bool) -> TimeSpan? {
        let expected = "a duration such as \"15m\""
        let value = field.value
        guard let text = value.scalar, !value.isNull else {
            wrongType(field, expected: expected)
            return nil
        }
        switch TimeSpan.parse(text) {
        case .failure(.notADuration):
            error(.invalidValue, field,
                  "expected \(expected), got \"\(text)\" (units: w, d, h, m, s, ms, largest first; a bare number is seconds)")
            return nil
        case .failure(.subMillisecond):
            error(.invalidValue, field, "\"\(text)\" is finer than a millisecond; durations have millisecond precision")
            return nil
        case .failure(.tooLong):
            error(.invalidValue, field, "\"\(text)\" is longer than 100 years")
            return nil
        case .success(let span):
            if span.milliseconds < 0 || (!allowZero && span.milliseconds == 0) {
                error(.invalidValue, field, "\"\(text)\" must be \(allowZero ? "zero or more" : "greater than zero")")
                return nil
            }
            return span
        }
    }

    // MARK: Paths

    /// Relative paths are taken relative to the settings file's directory, so a settings file and the key
    /// beside it work from any working directory. Paths in a settings file given without a directory
    /// (`--config authd.yaml`) stay relative to the working directory, which is that directory.
    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}

extension SettingsDecoder {
    /// A file system path: non-empty, no NUL byte (C would silently cut the path there), resolved
    /// against the settings file's directory.
    func path(_ field: Field) -> String? {
        guard let text = string(field, expected: "a file path") else { return nil }
        guard !text.utf8.contains(0) else {
            error(.invalidValue, field, "the path contains a NUL character")
            return nil
        }
        return resolve(text)
    }
}
