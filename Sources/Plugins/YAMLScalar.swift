import JSON
import Settings

/// Reads YAML values as JSON with the YAML 1.2 core schema, which is what people expect of `tenant: acme`,
/// `level: 3`, `beta: true` and `note: "true"`: unquoted `true`/`false`, null spellings, decimal integers
/// and floats take their JSON type; everything else, and anything quoted, is a string.
public enum YAMLScalar {
    public struct Problem: Error {
        public let mark: SourceMark
        public let path: String
        public let message: String
    }

    public static func json(_ node: YAMLNode, path: String) -> Result<JSONValue, Problem> {
        switch node.content {
        case .sequence(let items):
            var values: [JSONValue] = []
            for (index, item) in items.enumerated() {
                switch json(item, path: "\(path)[\(index)]") {
                case .success(let value): values.append(value)
                case .failure(let problem): return .failure(problem)
                }
            }
            return .success(.array(values))
        case .mapping(let entries):
            var object = JSONObject()
            for (key, value) in entries {
                let name = key.scalar ?? ""
                switch json(value, path: "\(path).\(name)") {
                case .success(let converted): object[name] = converted
                case .failure(let problem): return .failure(problem)
                }
            }
            return .success(.object(object))
        case .scalar(let text, let plain):
            guard plain else { return .success(.string(text)) }
            if node.isNull { return .success(.null) }
            switch text {
            case "true", "True", "TRUE": return .success(.bool(true))
            case "false", "False", "FALSE": return .success(.bool(false))
            case ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN":
                return .failure(Problem(mark: node.mark, path: path,
                                        message: "\(text) has no JSON form; quote it to make it a string"))
            default: break
            }
            if isIntegerSyntax(text) {
                guard let number = integer(text) else {
                    return .failure(Problem(mark: node.mark, path: path,
                                            message: "\(text) does not fit a 64-bit integer; quote it to make it a string"))
                }
                return .success(.int(number))
            }
            if isFloatSyntax(text), let number = Double(text), number.isFinite {
                return .success(.double(number))
            }
            return .success(.string(text))
        }
    }

    /// A decimal integer with an optional sign, nil when it is not one or does not fit.
    public static func integer(_ text: String) -> Int64? {
        guard isIntegerSyntax(text) else { return nil }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    private static func isIntegerSyntax(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema's float.
    private static func isFloatSyntax(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(whole.count)
        var fraction = Substring("")
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(fraction.count)
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return false }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
            let exponent = rest.prefix { $0.isASCII && $0.isNumber }
            guard !exponent.isEmpty else { return false }
            rest = rest.dropFirst(exponent.count)
        }
        return rest.isEmpty
    }
}
