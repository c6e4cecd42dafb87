import JSON
import Tokens

/// An error that renders itself as an HTTP answer: status, public JSON body and extra headers.
/// Everything a client can cause ends up here; nothing a client sends becomes a 500.
public struct APIError: Error, Sendable {
    public let status: Int
    public let body: JSONObject
    public let headers: [(String, String)]

    public init(status: Int, body: JSONObject, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public static func detail(_ status: Int, _ detail: String, headers: [(String, String)] = []) -> APIError {
        APIError(status: status, body: ["detail": .string(detail)], headers: headers)
    }

    /// DRF's serializer `ValidationError`: 400 with field → [messages].
    public static func fieldErrors(_ errors: [(String, String)]) -> APIError {
        var body = JSONObject()
        for (field, message) in errors {
            var list = body[field]?.arrayValue ?? []
            list.append(.string(message))
            body[field] = .array(list)
        }
        return APIError(status: 400, body: body)
    }

    /// A refused token operation as SimpleJWT answers it: `InvalidToken` and `AuthenticationFailed` are 401 with
    /// the `WWW-Authenticate` challenge, verify's blacklist refusal a 400 validation error, and what may succeed
    /// when retried a 503 with `Retry-After`.
    public init(_ error: TokenError, wwwAuthenticate: String) {
        let challenge = [("WWW-Authenticate", wwwAuthenticate)]
        switch error.code {
        case .tokenNotValid:
            self.init(status: 401, body: ["detail": .string(error.detail), "code": "token_not_valid"], headers: challenge)
        case .passwordChanged:
            self.init(status: 401, body: ["detail": .string(error.detail), "code": "password_changed"], headers: challenge)
        case .noActiveAccount, .noActiveAccountForToken:
            self.init(status: 401, body: ["detail": .string(error.detail)], headers: challenge)
        case .blacklisted:
            self.init(status: 400, body: ["non_field_errors": .array([.string(error.detail)])])
        case .throttled:
            self.init(status: 429, body: ["detail": .string(error.detail)],
                      headers: [("Retry-After", String(error.retryAfter ?? 1))])
        default:
            self.init(status: 503, body: ["detail": .string(error.detail)], headers: [("Retry-After", "1")])
        }
    }
}
