import JSON

/// An error that renders itself as an HTTP answer: status, public JSON body and extra headers.
/// Everything a client can cause ends up here; nothing a client sends becomes a 500.
public struct APIError: Error, Sendable {
    public let status: Int
    public let body: JSONObject
    public let headers: [(String, String)]
    /// Set on the refusal of a blacklisted token, so refresh can report the reuse.
    var isBlacklistedToken = false

    public init(status: Int, body: JSONObject, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// SimpleJWT's `InvalidToken`: 401 `{"detail": …, "code": "token_not_valid"}`.
    static func invalidToken(_ detail: String, wwwAuthenticate: String) -> APIError {
        APIError(status: 401, body: ["detail": .string(detail), "code": .string("token_not_valid")],
                 headers: [("WWW-Authenticate", wwwAuthenticate)])
    }

    /// DRF's plain `AuthenticationFailed`: 401 `{"detail": …}`.
    static func authenticationFailed(_ detail: String, code: String? = nil, wwwAuthenticate: String) -> APIError {
        var body: JSONObject = ["detail": .string(detail)]
        if let code { body["code"] = .string(code) }
        return APIError(status: 401, body: body, headers: [("WWW-Authenticate", wwwAuthenticate)])
    }

    static func detail(_ status: Int, _ detail: String, headers: [(String, String)] = []) -> APIError {
        APIError(status: status, body: ["detail": .string(detail)], headers: headers)
    }

    /// DRF's serializer `ValidationError`: 400 with field → [messages].
    static func fieldErrors(_ errors: [(String, String)]) -> APIError {
        var body = JSONObject()
        for (field, message) in errors {
            var list = body[field]?.arrayValue ?? []
            list.append(.string(message))
            body[field] = .array(list)
        }
        return APIError(status: 400, body: body)
    }

    static let noActiveAccount = "No active account found with the given credentials"
    static let noActiveAccountForToken = "No active account found for the given token."
    static let serviceBusy = APIError.detail(503, "The server is busy hashing passwords; retry shortly.",
                                             headers: [("Retry-After", "1")])
    static let internalFailure = APIError.detail(503, "The token store is temporarily unavailable; retry shortly.",
                                                 headers: [("Retry-After", "1")])
}
