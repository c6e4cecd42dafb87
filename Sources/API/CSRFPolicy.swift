import HTTPServer
import Tokens

/// Django's CSRF protection for cookie listeners, with DRF's 403 wording: every unsafe request must come from
/// the request's own origin or an allowed one (that alone guards login, which has no session yet), and a
/// request that a cookie authenticates must also echo the session's CSRF token in a header.
public struct CSRFPolicy: Sendable {
    let options: CookieOptions
    let binding: SessionBinding

    public init(options: CookieOptions, binding: SessionBinding) {
        self.options = options
        self.binding = binding
    }

    /// The `Origin` (else `Referer`) check, and `Sec-Fetch-Site: cross-site` refused unless SameSite=None
    /// (the one setting made for cross-site use); nil: the request may go on.
    public func checkOrigin(_ request: HTTPRequest) -> APIError? {
        let own = ownOrigin(request)
        if let origin = request.headers["Origin"] {
            guard origin == own || options.allowedOrigins.contains(origin) else {
                return Self.failure("Origin checking failed - \(origin) does not match any trusted origins.")
            }
        } else if let referer = request.headers["Referer"] {
            guard let origin = Self.origin(ofURL: referer), origin == own || options.allowedOrigins.contains(origin) else {
                return Self.failure("Referer checking failed - \(referer) does not match any trusted origins.")
            }
        } else {
            return Self.failure("Referer checking failed - no Referer.")
        }
        if options.sameSite != .none, let site = request.headers["Sec-Fetch-Site"], site.lowercased() == "cross-site" {
            return Self.failure("Cross-site request refused: the browser marked it Sec-Fetch-Site: cross-site.")
        }
        return nil
    }

    /// The double-submit check of a request authenticated by the session token `session` (the raw cookie).
    public func checkToken(_ request: HTTPRequest, session: String, policy: TokenPolicy) -> APIError? {
        guard let presented = request.headers[options.csrfHeader], !presented.isEmpty else {
            return Self.failure("CSRF token missing.")
        }
        guard let token = SessionToken(session, policy: policy), binding.accepts(presented, forSession: token.jti) else {
            return Self.failure("CSRF token incorrect.")
        }
        return nil
    }

    /// The origin this request was made to, as the browser would write it: the scheme from `X-Forwarded-Proto`
    /// (set by the proxy) or else what `secure` implies, and the `Host` header.
    func ownOrigin(_ request: HTTPRequest) -> String? {
        guard let host = request.headers["Host"], !host.isEmpty else { return nil }
        var scheme = options.secure ? "https" : "http"
        if let forwarded = request.headers["X-Forwarded-Proto"]?.split(separator: ",").first {
            let value = String(forwarded.filter { $0 != " " }).lowercased()
            if value == "http" || value == "https" { scheme = value }
        }
        var authority = host.lowercased()
        if (scheme == "https" && authority.hasSuffix(":443")) || (scheme == "http" && authority.hasSuffix(":80")) {
            authority = String(authority[..<authority.lastIndex(of: ":")!])
        }
        return "\(scheme)://\(authority)"
    }

    /// `https://host:port` of an absolute URL, lower case and without a default port; nil for anything else.
    static func origin(ofURL url: String) -> String? {
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else { return nil }
        let rest = lower.dropFirst(scheme.count + 3)
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") || authority.isEmpty { return nil }
        if (scheme == "https" && authority.hasSuffix(":443")) || (scheme == "http" && authority.hasSuffix(":80")) {
            authority = authority[..<authority.lastIndex(of: ":")!]
        }
        return "\(scheme)://\(authority)"
    }

    static func failure(_ reason: String) -> APIError {
        .detail(403, "CSRF Failed: \(reason)")
    }

    /// Whether an answer is one of these refusals (then a logout keeps the browser's cookies).
    static func isRefusal(_ error: APIError) -> Bool {
        error.status == 403 && (error.body["detail"]?.stringValue?.hasPrefix("CSRF Failed: ") ?? false)
    }
}
