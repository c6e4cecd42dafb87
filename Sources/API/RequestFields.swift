import JSON

/// One submitted form field as DRF's `CharField` sees it.
public enum FieldValue: Sendable, Equatable {
    case string(String)
    case null
    /// A JSON value that is neither a string nor a number (object, array, boolean).
    case notAString
}

/// The fields of a request body, parsed from JSON, form-urlencoded or multipart/form-data as DRF's parsers do.
public struct RequestFields: Sendable {
    public var values: [String: FieldValue] = [:]

    public init() {}

    /// Parses `body` according to `contentType`. An empty body is an empty form whatever its type (as in DRF).
    public static func parse(body: [UInt8], contentType: String?) throws(APIError) -> RequestFields {
        if body.isEmpty { return RequestFields() }
        // DRF: a body with no Content-Type matches no parser.
        guard let contentType else { throw APIError.detail(415, "Unsupported media type \"\" in request.") }
        // The common case, without splitting and lower-casing the header value into new strings.
        if MediaType.isPlainJSON(contentType) { return try parseJSON(body) }
        let media = MediaType(contentType)
        switch media.essence {
        case "application/json":
            return try parseJSON(body)
        case "application/x-www-form-urlencoded":
            var fields = RequestFields()
            for (name, value) in FormURLEncoded.decode(body) { fields.values[name] = .string(value) }
            return fields
        case "multipart/form-data":
            guard let boundary = media.parameters["boundary"], !boundary.isEmpty else {
                throw APIError.detail(400, "Multipart form parse error - Invalid boundary in multipart: None")
            }
            guard let parts = MultipartForm.decode(body, boundary: boundary) else {
                throw APIError.detail(400, "Multipart form parse error - malformed multipart body")
            }
            var fields = RequestFields()
            for (name, value) in parts { fields.values[name] = .string(value) }
            return fields
        default:
            throw APIError.detail(415, "Unsupported media type \"\(contentType)\" in request.")
        }
    }

    private static func parseJSON(_ body: [UInt8]) throws(APIError) -> RequestFields {
        let value: JSONValue
        do {
            value = try JSON.parse(body)
        } catch {
            throw APIError.detail(400, "JSON parse error - \(error.message)")
        }
        switch value {
        case .object(let object):
            var fields = RequestFields()
            for (name, item) in object {
                switch item {
                case .string(let s): fields.values[name] = .string(s)
                case .null: fields.values[name] = .null
                case .int(let i): fields.values[name] = .string(String(i))
                case .double(let d): fields.values[name] = .string(PythonFloat.repr(d))
                case .bool, .array, .object: fields.values[name] = .notAString
                }
            }
            return fields
        case .null:
            throw APIError(status: 400, body: ["non_field_errors": .array([.string("No data provided")])])
        default:
            let kind: String
            switch value {
            case .array: kind = "list"
            case .string: kind = "str"
            case .int: kind = "int"
            case .double: kind = "float"
            default: kind = "bool"
            }
            throw APIError(status: 400, body: ["non_field_errors": .array(
                [.string("Invalid data. Expected a dictionary, but got \(kind).")])])
        }
    }

    /// Validates the named fields as DRF `CharField`s, in declaration order, collecting every error.
    /// Surrounding whitespace is removed as DRF's `trim_whitespace` does, except for the `untrimmed` fields.
    public func strings(_ names: [String], untrimmed: Set<String> = []) throws(APIError) -> [String] {
        var result: [String] = []
        var errors: [(String, String)] = []
        for name in names {
            switch values[name] {
            case nil:
                errors.append((name, "This field is required."))
            case .null:
                errors.append((name, "This field may not be null."))
            case .notAString:
                errors.append((name, "Not a valid string."))
            case .string(let raw):
                let text = untrimmed.contains(name) ? raw : PythonString.strip(raw)
                if text.isEmpty {
                    errors.append((name, "This field may not be blank."))
                } else if text.unicodeScalars.contains("\0") {
                    errors.append((name, "Null characters are not allowed."))
                } else {
                    result.append(text)
                }
            }
        }
        if !errors.isEmpty { throw APIError.fieldErrors(errors) }
        return result
    }
}

/// A parsed `Content-Type` value: lower-cased essence plus parameters.
struct MediaType {
    let essence: String
    let parameters: [String: String]

    /// Exactly `application/json` in any letter case, with no parameters or spaces.
    static func isPlainJSON(_ raw: String) -> Bool {
        let expected = "application/json".utf8
        let utf8 = raw.utf8
        guard utf8.count == expected.count else { return false }
        return zip(utf8, expected).allSatisfy { byte, wanted in (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) == wanted }
    }

    init(_ raw: String) {
        let pieces = raw.split(separator: ";", omittingEmptySubsequences: false)
        essence = pieces.first.map { PythonString.strip(String($0)).lowercased() } ?? ""
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            let key = PythonString.strip(String(piece[..<eq])).lowercased()
            var value = PythonString.strip(String(piece[piece.index(after: eq)...]))
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            parameters[key] = value
        }
        self.parameters = parameters
    }
}

/// `repr(float)` as Python prints it, which is what DRF's CharField makes of a JSON float.
enum PythonFloat {
    static func repr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e16 { return String(Int64(d)) + ".0" }
        return "\(d)"
    }
}
