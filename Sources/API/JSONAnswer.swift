import HTTPServer
import JSON

/// Rendering of JSON answers: compact JSON bodies on top of a route's headers.
public enum JSONAnswer {
    /// What every JSON answer carries: the media type, and never a MIME-sniffed body.
    public static let standardHeaders: HTTPHeaders = [
        "Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    ]

    /// verify, blacklist and forward auth answer `{}`: the same bytes every time.
    static let emptyObject = Array("{}".utf8)

    public static func render(status: Int, body: JSONObject, headers: HTTPHeaders,
                              extraHeaders: [(String, String)] = []) -> HTTPResponse {
        var all = headers
        for (name, value) in extraHeaders { all.add(name, value) }
        return HTTPResponse(status: status, headers: all, body: JSON.serialize(.object(body)))
    }

    public static func render(error: APIError, headers: HTTPHeaders) -> HTTPResponse {
        render(status: error.status, body: error.body, headers: headers, extraHeaders: error.headers)
    }
}
