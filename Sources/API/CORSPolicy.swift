import HTTPServer

/// CORS for a cookie listener's allowed origins: their preflights are answered, their responses may be read by
/// their scripts (with credentials). Every other origin gets no CORS header at all, so the browser keeps its
/// scripts from reading anything.
public struct CORSPolicy: Sendable {
    let allowedOrigins: Set<String>
    let allowedHeaders: String
    /// The CSRF header, which obtain and refresh also answer with, for scripts on allowed origins to read.
    let exposedHeaders: String

    public init(allowedOrigins: Set<String>, csrfHeader: String) {
        self.allowedOrigins = allowedOrigins
        self.allowedHeaders = "Content-Type, \(csrfHeader)"
        self.exposedHeaders = csrfHeader
    }

    /// How long a browser may reuse a preflight answer.
    static let maxAge = "600"

    /// `headers` plus the CORS headers for the request's origin, when it is allowed. Answers vary by origin.
    public func decorate(_ headers: HTTPHeaders, for request: HTTPRequest) -> HTTPHeaders {
        var result = headers
        result.replaceOrAdd("Vary", "Accept, Origin")
        guard let origin = request.headers["Origin"], allowedOrigins.contains(origin) else { return result }
        result.add("Access-Control-Allow-Origin", origin)
        result.add("Access-Control-Allow-Credentials", "true")
        result.add("Access-Control-Expose-Headers", exposedHeaders)
        return result
    }

    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin; nil for
    /// anything else, which then gets the ordinary OPTIONS answer (DRF's metadata) without CORS headers.
    public func preflight(_ request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse? {
        guard request.headers.contains("Access-Control-Request-Method"), let origin = request.headers["Origin"],
              allowedOrigins.contains(origin) else { return nil }
        var answer = headers
        answer.remove("Content-Type")
        answer.replaceOrAdd("Vary", "Accept, Origin")
        answer.add("Access-Control-Allow-Origin", origin)
        answer.add("Access-Control-Allow-Credentials", "true")
        answer.add("Access-Control-Allow-Methods", "POST, OPTIONS")
        answer.add("Access-Control-Allow-Headers", allowedHeaders)
        answer.add("Access-Control-Max-Age", Self.maxAge)
        return HTTPResponse(status: 204, headers: answer)
    }
}
