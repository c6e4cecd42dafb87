import HTTPServer
import JSON
import Tokens

/// Tokens for browser apps (`delivery: cookie`): obtain and refresh set them as HttpOnly cookies and answer only
/// when they expire (`{"access_expires":…,"refresh_expires":…}`); refresh, verify, logout and sliding refresh
/// read them back from the cookies when the body has none. Every request is held to the CSRF policy first, and
/// allowed origins get CORS headers.
///
/// Where tokens live: the access token (or a sliding token) in the access cookie (Path=/, what forward auth
/// reads); the refresh token in the refresh cookie (Path = the listener's prefix, so only the token endpoints
/// see it); the CSRF token, bound to the session token's jti, in a cookie JavaScript can read.
public struct CookieDelivery: TokenDelivery {
    let options: CookieOptions
    let csrf: CSRFPolicy
    let cors: CORSPolicy
    let binding: SessionBinding
    let policy: TokenPolicy

    public init(options: CookieOptions, binding: SessionBinding, policy: TokenPolicy) {
        self.options = options
        self.csrf = CSRFPolicy(options: options, binding: binding)
        self.cors = CORSPolicy(allowedOrigins: options.allowedOrigins, csrfHeader: options.csrfHeader)
        self.binding = binding
        self.policy = policy
    }

    // MARK: Requests

    public func admit(_ request: HTTPRequest, to endpoint: TokenEndpoint) -> APIError? {
        csrf.checkOrigin(request)
    }

    /// A body field wins; else the cookie, which then needs the CSRF header; else DRF's field error.
    public func presentedToken(_ field: String, in fields: RequestFields, request: HTTPRequest) throws(APIError) -> String {
        if fields.values[field] != nil { return try fields.strings([field])[0] }
        let cookies = RequestCookies(request)
        guard let raw = cookies.value(options.name(field == "refresh" ? .refresh : .access)) else {
            return try fields.strings([field])[0]
        }
        let session = cookies.value(options.refreshName) ?? raw
        if let refusal = csrf.checkToken(request, session: session, policy: policy) { throw refusal }
        return raw
    }

    public func responseHeaders(_ headers: HTTPHeaders, for request: HTTPRequest) -> HTTPHeaders {
        cors.decorate(headers, for: request)
    }

    public func preflight(_ request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse? {
        cors.preflight(request, headers: headers)
    }

    // MARK: Answers

    public func obtained(_ pair: TokenPair, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        var all = headers
        all.add("Set-Cookie", options.setCookie(.access, value: pair.access.token, maxAge: lifetime(pair.access)))
        setSession(pair.refresh, in: &all)
        return expiries(access: pair.access.expiresAt, refresh: pair.refresh.expiresAt, headers: all)
    }

    public func obtainedSliding(_ token: IssuedToken, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        sliding(token, headers: headers)
    }

    public func refreshed(_ tokens: RefreshedTokens, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        var all = headers
        all.add("Set-Cookie", options.setCookie(.access, value: tokens.access.token, maxAge: lifetime(tokens.access)))
        if let refresh = tokens.refresh {
            setSession(refresh, in: &all)
            return expiries(access: tokens.access.expiresAt, refresh: refresh.expiresAt, headers: all)
        }
        // Without rotation the refresh token stays: its CSRF token is set again in case the browser lost it.
        let kept = presented("refresh", cookie: .refresh, in: request).flatMap { SessionToken($0, policy: policy) }
        if let kept, let expires = kept.expiresAt {
            setCSRF(forSession: kept.jti, maxAge: expires - tokens.access.issuedAt, in: &all)
        }
        return expiries(access: tokens.access.expiresAt, refresh: kept?.expiresAt, headers: all)
    }

    public func refreshedSliding(_ token: IssuedToken, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        sliding(token, headers: headers)
    }

    public func verified(request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        HTTPResponse(status: 200, headers: headers, body: JSONAnswer.emptyObject)
    }

    /// Logout: the refresh token is blacklisted and every authd cookie cleared.
    public func revoked(request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        var all = headers
        clearCookies(in: &all)
        return HTTPResponse(status: 200, headers: all, body: JSONAnswer.emptyObject)
    }

    /// SimpleJWT's error bodies. A logout that fails for a reason of the token (expired, already blacklisted, no
    /// cookie at all) still clears the cookies: the session is over either way. A CSRF refusal and a temporary
    /// failure (503, worth retrying) keep them.
    public func refused(_ error: APIError, at endpoint: TokenEndpoint, request: HTTPRequest,
                        headers: HTTPHeaders) -> HTTPResponse {
        var all = headers
        if endpoint == .blacklist, error.status != 503, !CSRFPolicy.isRefusal(error), csrf.checkOrigin(request) == nil {
            clearCookies(in: &all)
        }
        return JSONAnswer.render(error: error, headers: all)
    }

    // MARK: Cookies

    private func sliding(_ token: IssuedToken, headers: HTTPHeaders) -> HTTPResponse {
        var all = headers
        // A sliding token is refreshed with itself, so its cookie lasts until it can no longer be refreshed.
        let until = token.refreshExpiresAt ?? token.expiresAt
        all.add("Set-Cookie", options.setCookie(.access, value: token.token, maxAge: until - token.issuedAt))
        if let jti = token.jti { setCSRF(forSession: jti, maxAge: until - token.issuedAt, in: &all) }
        return expiries(access: token.expiresAt, refresh: until, headers: all)
    }

    /// The refresh cookie and the CSRF cookie bound to it.
    private func setSession(_ refresh: IssuedToken, in headers: inout HTTPHeaders) {
        headers.add("Set-Cookie", options.setCookie(.refresh, value: refresh.token, maxAge: lifetime(refresh)))
        if let jti = refresh.jti { setCSRF(forSession: jti, maxAge: lifetime(refresh), in: &headers) }
    }

    /// The session's CSRF token: in the cookie same-origin scripts read, and in a response header for apps on
    /// another allowed origin, whose scripts cannot read this site's cookies (CORS exposes the header to them
    /// only; other origins cannot read the response at all).
    private func setCSRF(forSession jti: String, maxAge: Int64, in headers: inout HTTPHeaders) {
        let token = binding.csrfToken(forSession: jti)
        headers.add("Set-Cookie", options.setCookie(.csrf, value: token, maxAge: maxAge))
        headers.add(options.csrfHeader, token)
    }

    private func clearCookies(in headers: inout HTTPHeaders) {
        for kind in [CookieOptions.Kind.access, .refresh, .csrf] {
            headers.add("Set-Cookie", options.setCookie(kind, value: "", maxAge: 0))
        }
    }

    private func lifetime(_ token: IssuedToken) -> Int64 { token.expiresAt - token.issuedAt }

    /// The token this request presented in `field`: the body's, else the cookie's.
    private func presented(_ field: String, cookie: CookieOptions.Kind, in request: HTTPRequest) -> String? {
        if let fields = try? RequestFields.parse(body: request.body, contentType: request.headers["Content-Type"]),
           case .string(let value)? = fields.values[field] {
            return value
        }
        return RequestCookies(request).value(options.name(cookie))
    }

    private func expiries(access: Int64, refresh: Int64?, headers: HTTPHeaders) -> HTTPResponse {
        var body: JSONObject = ["access_expires": .int(access)]
        if let refresh { body["refresh_expires"] = .int(refresh) }
        return JSONAnswer.render(status: 200, body: body, headers: headers)
    }
}
