import HTTPServer
import JSON
import Tokens

/// `GET`/`HEAD <prefix>/auth/`: the question nginx `auth_request`, Traefik `forwardAuth` and Caddy `forward_auth`
/// ask on every request, answered as SimpleJWT's `JWTAuthentication` would answer a DRF view: 200 with the user
/// id and mapped claims in headers, 401 with JWTAuthentication's exact bodies, 403 when a rule's claims are
/// missing. It never refreshes and never writes.
public struct ForwardAuthRoute: Sendable {
    let authenticator: RequestAuthenticator
    /// AUTH_HEADER_NAME as an HTTP header name ("Authorization").
    let headerName: String
    /// AUTH_HEADER_TYPES, matched exactly (case-sensitive), as JWTAuthentication does.
    let headerTypes: [String]
    /// On cookie listeners: the access cookie, read when the header carries no token.
    let accessCookie: String?
    let mappings: [(header: String, claim: String)]
    let rules: [AccessRule]
    /// `WWW-Authenticate` of every 401 (`Bearer realm="api"`), built once.
    let challenge: [(String, String)]

    public init(authenticator: RequestAuthenticator, headerName: String, headerTypes: [String], accessCookie: String?,
                mappings: [(header: String, claim: String)], rules: [AccessRule]) {
        self.authenticator = authenticator
        self.headerName = headerName
        self.headerTypes = headerTypes
        self.accessCookie = accessCookie
        self.mappings = mappings
        self.rules = rules
        self.challenge = [("WWW-Authenticate", authenticator.policy.wwwAuthenticate)]
    }

    public static let userIDHeader = "X-Auth-User-Id"
    static let headers: HTTPHeaders = [
        "Content-Type": "application/json", "Allow": "GET, HEAD", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    ]

    public func route(prefix: String) -> Route {
        let handler: Route.Handler = { request, deferred, headers in self.answer(request, deferred, headers) }
        return Route(path: prefix + "/auth", headers: Self.headers, methods: ["GET": handler, "HEAD": handler])
    }

    private func answer(_ request: HTTPRequest, _ deferred: DeferredResponse, _ headers: HTTPHeaders) -> HTTPResponse? {
        let raw: String
        switch credentials(request) {
        case .token(let token):
            raw = token
        case .none:
            return JSONAnswer.render(status: 401, body: ["detail": "Authentication credentials were not provided."],
                                     headers: headers, extraHeaders: challenge)
        case .malformed:
            return JSONAnswer.render(status: 401, body: [
                "detail": "Authorization header must contain two space-delimited values", "code": "bad_authorization_header",
            ], headers: headers, extraHeaders: challenge)
        }
        return InlineAnswer.collect(deferred) { reply in
            authenticator.authenticate(raw) { result in
                switch result {
                case .success(let user): reply(granted(user, request: request, headers: headers))
                case .failure(let error): reply(Self.refusal(error, headers: headers, challenge: challenge))
                }
            }
        }
    }

    enum Credentials { case token(String), none, malformed }

    /// JWTAuthentication's `get_header` + `get_raw_token`: no header, an empty one or another scheme (`Basic`,
    /// `bearer`) are no credentials; our scheme with other than one value is a malformed header. On cookie
    /// listeners a request without header credentials may present the access cookie.
    func credentials(_ request: HTTPRequest) -> Credentials {
        if let header = request.headers[headerName] {
            let words = HeaderWords(header)
            if let scheme = words.first, headerTypes.contains(where: { $0.utf8.elementsEqual(scheme.utf8) }) {
                guard let token = words.second, !words.more else { return .malformed }
                return .token(token)
            }
        }
        if let accessCookie, let token = RequestCookies(request).value(accessCookie) { return .token(token) }
        return .none
    }

    private func granted(_ user: AuthenticatedUser, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        if !rules.isEmpty {
            let uri = request.headers["X-Original-URI"] ?? request.headers["X-Forwarded-Uri"]
            guard let uri else {
                return JSONAnswer.render(error: .detail(403, "Forward auth rules need the original request's path: "
                    + "send X-Original-URI (nginx) or X-Forwarded-Uri."), headers: headers)
            }
            let path = AccessRule.normalize(uri)
            let host = request.headers["X-Forwarded-Host"] ?? request.headers["Host"]
            for rule in rules where rule.applies(path: path, host: host) && !rule.isSatisfied(by: user.claims) {
                return JSONAnswer.render(error: .detail(403, "You do not have permission to perform this action."),
                                         headers: headers)
            }
        }
        var all = headers
        all.add(Self.userIDHeader, ClaimHeaderValue.encoded(user.userID, listElement: false))
        for mapping in mappings {
            if let value = user.claims[mapping.claim].flatMap(ClaimHeaderValue.render) { all.add(mapping.header, value) }
        }
        // No body: nginx reads none from an auth_request answer, and one left unread costs it the upstream
        // keep-alive connection (a new TCP connection per request).
        all.remove("Content-Type")
        return HTTPResponse(status: 200, headers: all)
    }

    /// JWTAuthentication's `AuthenticationFailed` / `InvalidToken` bodies, key order included.
    static func refusal(_ error: AuthenticationError, headers: HTTPHeaders, challenge: [(String, String)]) -> HTTPResponse {
        let body: JSONObject
        switch error.code {
        case .tokenNotValid:
            let message: JSONObject = ["token_class": "AccessToken", "token_type": "access", "message": .string(error.detail)]
            body = ["detail": "Given token not valid for any token type", "code": "token_not_valid",
                    "messages": .array([.object(message)])]
        case .noUserIdentification:
            body = ["detail": .string(error.detail), "code": "token_not_valid"]
        case .userNotFound:
            body = ["detail": .string(error.detail), "code": "user_not_found"]
        case .userInactive:
            body = ["detail": .string(error.detail), "code": "user_inactive"]
        case .passwordChanged:
            body = ["detail": .string(error.detail), "code": "password_changed"]
        default:
            return JSONAnswer.render(status: 503, body: ["detail": .string(error.detail)], headers: headers,
                                     extraHeaders: [("Retry-After", "1")])
        }
        return JSONAnswer.render(status: 401, body: body, headers: headers, extraHeaders: challenge)
    }
}

/// The first two words of a header value as Python's `bytes.split()` finds them (runs of ASCII whitespace
/// separate, none at the ends), and whether more follow. A forward-auth request reads its Authorization header
/// this way on every call, so it walks the bytes once and builds no array.
struct HeaderWords {
    private(set) var first: String?
    private(set) var second: String?
    private(set) var more = false

    init(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count else { break }
                let start = index
                while index < bytes.count, !Self.isSpace(bytes[index]) { index += 1 }
                let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                if first == nil { first = word }
                else if second == nil { second = word }
                else { more = true; break }
            }
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}
