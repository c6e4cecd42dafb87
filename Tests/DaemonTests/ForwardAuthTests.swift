import Foundation
import JOSE
import JSON
import TestSupport
import XCTest

/// `GET`/`HEAD /api/token/auth/` through the real daemon: every JWTAuthentication branch with its exact body, the
/// user check kept in memory yet up to date with the CLI, mapped headers that cannot carry a header injection,
/// authorization rules, and the access cookie on cookie listeners.
final class ForwardAuthTests: XCTestCase {
    private var browser: BrowserFixture!
    private var daemon: DaemonFixture { browser.daemon }
    private static let notValid = #"{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"MESSAGE"}]}"#

    private static let claimsYAML = #"""
        forward_auth:
          headers: {X-Auth-Groups: groups, X-Auth-Evil: evil, X-Auth-Name: name, X-Auth-Level: level, X-Auth-Missing: nope, X-Auth-Staff: staff, X-Auth-Email: email}
          rules:
            - path_prefix: /admin/
              require: {groups: admin}
            - path_prefix: /ops/
              host: ops.example.com
              require: {level: "5"}
        claims:
          - provider: claims.static
            claims: {groups: [admin, "a,b", "Zoë"], evil: "x\r\nSet-Cookie: stolen=1", name: "José", level: 5}
          - provider: claims.user_fields
            fields: {email: email, is_staff: staff}

        """#

    private func start(simpleJWT: [String: String] = [:], extra: String = claimsYAML) throws {
        browser = try BrowserFixture(simpleJWT: simpleJWT, extraYAML: extra)
        try daemon.addUser("alice", password: "pw", extra: ["--email", "alice@example.com"])
    }

    override func tearDown() { browser = nil }

    private func accessToken() throws -> String {
        let response = try daemon.tcp().request("POST", "/api/token/", body: "username=alice&password=pw",
                                                contentType: "application/x-www-form-urlencoded")
        return try XCTUnwrap(response.json["access"] as? String, response.text)
    }

    /// Asks as nginx does: for the original request `/app/` unless the headers name another (or `originalURI` is false).
    private func auth(_ headers: [(String, String)], method: String = "GET", client: RawHTTPClient? = nil,
                      originalURI: Bool = true) throws -> RawHTTPClient.Response {
        let named = headers.contains { ["x-original-uri", "x-forwarded-uri"].contains($0.0.lowercased()) }
        let all = named || !originalURI ? headers : headers + [("X-Original-URI", "/app/")]
        return try (client ?? daemon.tcp()).request(method, "/api/token/auth/", headers: all)
    }

    /// A token signed with the daemon's key, with exactly these claims.
    private func mint(_ claims: JSONObject) throws -> String {
        var key = try Array(Data(contentsOf: URL(fileURLWithPath: daemon.keyPath)))
        if key.last == UInt8(ascii: "\n") { key.removeLast() }
        return try JWTCodec(algorithm: .HS256, signingKey: key).sign(claims)
    }

    private func assertRefused(_ response: RawHTTPClient.Response, _ body: String, file: StaticString = #filePath,
                               line: UInt = #line) {
        XCTAssertEqual(response.status, 401, file: file, line: line)
        XCTAssertEqual(response.text, body, file: file, line: line)
        XCTAssertEqual(response.header("WWW-Authenticate"), #"Bearer realm="api""#, file: file, line: line)
        XCTAssertNil(response.header("X-Auth-User-Id"), file: file, line: line)
    }

    func testGrantedWithTheUserIdAndMappedClaimsThatCannotInjectHeaders() throws {
        try start()
        let token = try accessToken()
        let response = try auth([("Authorization", "Bearer \(token)")])
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.header("X-Auth-User-Id"), "1")
        XCTAssertEqual(response.header("X-Auth-Groups"), "admin,a%2Cb,Zo%C3%AB", "lists joined; commas and non-ASCII encoded")
        XCTAssertEqual(response.header("X-Auth-Evil"), "x%0D%0ASet-Cookie:%20stolen=1")
        XCTAssertNil(response.header("Set-Cookie"), "nothing a claim holds becomes a header of its own")
        XCTAssertEqual(response.header("X-Auth-Name"), "Jos%C3%A9")
        XCTAssertEqual(response.header("X-Auth-Level"), "5")
        XCTAssertEqual(response.header("X-Auth-Staff"), "false")
        XCTAssertEqual(response.header("X-Auth-Email"), "alice@example.com")
        XCTAssertNil(response.header("X-Auth-Missing"))
        XCTAssertEqual(response.header("Cache-Control"), "no-store")
        XCTAssertEqual(response.body, [], "no body: nginx would drop the keep-alive connection to read none")
        XCTAssertEqual(response.header("Content-Length"), "0")

        let head = try auth([("Authorization", "Bearer \(token)")], method: "HEAD")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("X-Auth-User-Id"), "1")
        XCTAssertEqual(head.body, [])
        let post = try daemon.tcp().request("POST", "/api/token/auth/", body: "{}")
        XCTAssertEqual(post.status, 405)
        XCTAssertEqual(post.header("Allow"), "GET, HEAD")
    }

    func testJWTAuthenticationsCredentialRefusals() throws {
        try start()
        let token = try accessToken()
        let notProvided = #"{"detail":"Authentication credentials were not provided."}"#
        let badHeader = #"{"detail":"Authorization header must contain two space-delimited values","code":"bad_authorization_header"}"#
        assertRefused(try auth([]), notProvided)
        assertRefused(try auth([("Authorization", "")]), notProvided)
        assertRefused(try auth([("Authorization", "bearer \(token)")]), notProvided)  // AUTH_HEADER_TYPES match exactly
        assertRefused(try auth([("Authorization", "JWT \(token)")]), notProvided)
        assertRefused(try auth([("Authorization", "Basic YTpi")]), notProvided)
        assertRefused(try auth([("Authorization", "Bearer")]), badHeader)
        assertRefused(try auth([("Authorization", "Bearer \(token) extra")]), badHeader)
        XCTAssertEqual(try auth([("Authorization", "Bearer   \(token)\t")]).status, 200, "whitespace runs split as bytes.split() does")
        // A JSON listener never reads cookies.
        assertRefused(try auth([("Cookie", "__Host-authd_access=\(token)")]), notProvided)
    }

    func testJWTAuthenticationsTokenRefusals() throws {
        try start()
        let now = Int64(Date().timeIntervalSince1970)
        func body(_ message: String) -> String { Self.notValid.replacingOccurrences(of: "MESSAGE", with: message) }
        func bearer(_ raw: String) throws -> RawHTTPClient.Response { try auth([("Authorization", "Bearer \(raw)")]) }
        let base: JSONObject = ["token_type": "access", "exp": .int(now + 300), "iat": .int(now),
                                "jti": "0123456789abcdef0123456789abcdef", "user_id": "1"]
        func with(_ change: (inout JSONObject) -> Void) throws -> String {
            var claims = base
            change(&claims)
            return try mint(claims)
        }
        assertRefused(try bearer("garbage"), body("Token is invalid"))
        assertRefused(try bearer(try accessToken() + "x"), body("Token is invalid"))
        assertRefused(try bearer(try with { $0["exp"] = .int(now - 10) }), body("Token is expired"))
        assertRefused(try bearer(try with { $0["token_type"] = "refresh" }), body("Token has wrong type"))
        assertRefused(try bearer(try with { $0["token_type"] = nil }), body("Token has no type"))
        assertRefused(try bearer(try with { $0["jti"] = nil }), body("Token has no id"))
        assertRefused(try bearer(try with { $0["exp"] = nil }), body("Token has no 'exp' claim"))
        assertRefused(try bearer(try with { $0["user_id"] = nil }),
                      #"{"detail":"Token contained no recognizable user identification","code":"token_not_valid"}"#)
        assertRefused(try bearer(try with { $0["user_id"] = "42" }), #"{"detail":"User not found","code":"user_not_found"}"#)
        assertRefused(try bearer(try with { $0["user_id"] = .null }), #"{"detail":"User not found","code":"user_not_found"}"#)
        XCTAssertEqual(try bearer(try with { $0["user_id"] = .int(1) }).status, 200, "Django's lookup takes 1 or \"1\"")
    }

    /// The user check runs on an in-memory view, yet sees the CLI's changes (another process) within moments.
    func testUserChangesByTheCLIAreSeen() throws {
        try start()
        let token = try accessToken()
        let header = [("Authorization", "Bearer \(token)")]
        XCTAssertEqual(try auth(header).status, 200)
        XCTAssertEqual(daemon.cli(["user", "deactivate", "alice"]).status, 0)
        XCTAssertTrue(try waitUntil(timeout: 5) { try auth(header).status == 401 })
        assertRefused(try auth(header), #"{"detail":"User is inactive","code":"user_inactive"}"#)
        XCTAssertEqual(daemon.cli(["user", "activate", "alice"]).status, 0)
        XCTAssertTrue(try waitUntil(timeout: 5) { try auth(header).status == 200 })
        XCTAssertEqual(daemon.cli(["user", "delete", "alice"]).status, 0)
        XCTAssertTrue(try waitUntil(timeout: 5) { try auth(header).status == 401 })
        assertRefused(try auth(header), #"{"detail":"User not found","code":"user_not_found"}"#)
    }

    func testRevokedByAPasswordChangeWithCheckRevokeToken() throws {
        try start(simpleJWT: ["CHECK_REVOKE_TOKEN": "true"], extra: "")
        let header = [("Authorization", "Bearer \(try accessToken())")]
        XCTAssertEqual(try auth(header).status, 200)
        XCTAssertEqual(daemon.cli(["user", "passwd", "alice", "--password-stdin"], stdin: "new pw\n").status, 0)
        XCTAssertTrue(try waitUntil(timeout: 5) { try auth(header).status == 401 })
        assertRefused(try auth(header), #"{"detail":"The user's password has been changed.","code":"password_changed"}"#)
    }

    /// `check_user: false` is JWTStatelessUserAuthentication: the token alone decides.
    func testStatelessMode() throws {
        try start(extra: "forward_auth:\n  check_user: false\n")
        let header = [("Authorization", "Bearer \(try accessToken())")]
        XCTAssertEqual(daemon.cli(["user", "delete", "alice"]).status, 0)
        XCTAssertEqual(try auth(header).status, 200)
    }

    /// As in SimpleJWT, access tokens are not checked against the blacklist, and forward auth never refreshes.
    func testLogoutDoesNotRevokeAccessTokensAndNothingIsRefreshed() throws {
        try start()
        let pair = try daemon.tcp().request("POST", "/api/token/", body: "username=alice&password=pw",
                                            contentType: "application/x-www-form-urlencoded")
        let access = try XCTUnwrap(pair.json["access"] as? String), refresh = try XCTUnwrap(pair.json["refresh"] as? String)
        XCTAssertEqual(try daemon.tcp().post("/api/token/blacklist/", json: try jsonString(["refresh": refresh])).status, 200)
        let response = try auth([("Authorization", "Bearer \(access)")])
        XCTAssertEqual(response.status, 200)
        XCTAssertNil(response.header("Set-Cookie"))
    }

    func testRulesUseTheOriginalRequest() throws {
        try start(extra: Self.claimsYAML.replacingOccurrences(of: "groups: [admin, ", with: "groups: ["))
        let header = ("Authorization", "Bearer \(try accessToken())")
        let forbidden = #"{"detail":"You do not have permission to perform this action."}"#
        for uri in ["/admin/", "/admin", "/admin/users?x=1", "/%61dmin/", "/public/../admin/x", "//admin/", "/./admin/"] {
            let response = try auth([header, ("X-Original-URI", uri)])
            XCTAssertEqual(response.status, 403, uri)
            XCTAssertEqual(response.text, forbidden, uri)
        }
        XCTAssertEqual(try auth([header, ("X-Forwarded-Uri", "/admin/x")]).status, 403, "Traefik and Caddy's header")
        for uri in ["/", "/app/", "/administrator", "/public/admin/"] {
            XCTAssertEqual(try auth([header, ("X-Original-URI", uri)]).status, 200, uri)
        }
        XCTAssertEqual(try auth([header], originalURI: false).status, 403, "rules need the original path: refused, never skipped")
        // A host rule: the claim's number satisfies "5" written as text; another host is not concerned.
        XCTAssertEqual(try auth([header, ("X-Original-URI", "/ops/"), ("X-Forwarded-Host", "ops.example.com:443")]).status, 200)
        try start(extra: Self.claimsYAML.replacingOccurrences(of: "level: 5}", with: "level: 4}"))
        let other = ("Authorization", "Bearer \(try accessToken())")
        XCTAssertEqual(try auth([other, ("X-Original-URI", "/ops/x"), ("X-Forwarded-Host", "OPS.example.com")]).status, 403)
        XCTAssertEqual(try auth([other, ("X-Original-URI", "/ops/x"), ("X-Forwarded-Host", "www.example.com")]).status, 200)
        XCTAssertEqual(try auth([other, ("X-Original-URI", "/admin/")]).status, 200, "a list claim containing the value")
    }

    /// On a cookie listener the access cookie authenticates when no header does; a header still wins.
    func testCookieListenersReadTheAccessCookie() throws {
        try start(extra: "")
        let token = try accessToken()
        let client = try browser.cookie()
        let response = try auth([("Cookie", "other=1; __Host-authd_access=\(token)")], client: client)
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.header("X-Auth-User-Id"), "1")
        assertRefused(try auth([("Cookie", "__Host-authd_access=\(token)"), ("Authorization", "Bearer nope")], client: client),
                      Self.notValid.replacingOccurrences(of: "MESSAGE", with: "Token is invalid"))
        assertRefused(try auth([("Cookie", "__Host-authd_access=")], client: client),
                      #"{"detail":"Authentication credentials were not provided."}"#)
    }

    func testAuthHeaderNameAndTypesAreHonoured() throws {
        try start(simpleJWT: ["AUTH_HEADER_NAME": "HTTP_X_ACCESS_TOKEN", "AUTH_HEADER_TYPES": "[JWT, Token]"], extra: "")
        let token = try accessToken()
        XCTAssertEqual(try auth([("X-Access-Token", "Token \(token)")]).status, 200)
        XCTAssertEqual(try auth([("X-Access-Token", "JWT \(token)")]).status, 200)
        let ignored = try auth([("Authorization", "JWT \(token)")])
        XCTAssertEqual(ignored.status, 401)
        XCTAssertEqual(ignored.header("WWW-Authenticate"), #"JWT realm="api""#)
    }
}
