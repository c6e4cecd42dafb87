import Settings
import XCTest

/// `cookies:` and `forward_auth:`: defaults, every value decoded, and every mistake pointed at.
final class BrowserSettingsTests: SettingsTestCase {
    private var head: String { "SIMPLE_JWT:\n  SIGNING_KEY_FILE: \(tmp.path)/hs.key\n" }

    func testDefaults() throws {
        let settings = try parse(head + "listen:\n  - tcp: 127.0.0.1:8001\n    delivery: cookie\n")
        XCTAssertEqual(settings.listen.first?.delivery, .cookie)
        let cookies = settings.cookies
        XCTAssertTrue(cookies.secure)
        XCTAssertEqual(cookies.sameSite, .lax)
        XCTAssertNil(cookies.domain)
        XCTAssertEqual(cookies.allowedOrigins, [])
        XCTAssertEqual(cookies.accessCookie, "__Host-authd_access")
        XCTAssertEqual(cookies.refreshCookie, "__Secure-authd_refresh")
        XCTAssertEqual(cookies.csrfCookie, "authd_csrf")
        XCTAssertEqual(cookies.csrfHeader, "X-CSRFToken")
        XCTAssertTrue(settings.forwardAuth.checkUser)
        XCTAssertTrue(settings.forwardAuth.headers.isEmpty)
        XCTAssertTrue(settings.forwardAuth.rules.isEmpty)
        XCTAssertEqual(settings.warnings, [])
    }

    func testEveryValue() throws {
        let settings = try parse(head + """
            cookies:
              allowed_origins: [https://App.Example.com, "http://localhost:5173", "https://x.example:443"]
              same_site: None
              domain: .example.com
              access_cookie: __Secure-a
              refresh_cookie: r
              csrf_cookie: c
              csrf_header: X-XSRF-Token
            forward_auth:
              check_user: false
              headers: {X-Auth-Email: email, X-Auth-Groups: groups}
              rules:
                - path_prefix: /admin/
                  require: {groups: admin, is_staff: true}
                - host: Ops.Example.com
                  require: {team: ops}

            """)
        let cookies = settings.cookies
        XCTAssertEqual(cookies.allowedOrigins, ["https://app.example.com", "http://localhost:5173", "https://x.example"])
        XCTAssertEqual(cookies.sameSite, .none)
        XCTAssertEqual(cookies.domain, "example.com")
        XCTAssertEqual([cookies.accessCookie, cookies.refreshCookie, cookies.csrfCookie], ["__Secure-a", "r", "c"])
        XCTAssertEqual(cookies.csrfHeader, "X-XSRF-Token")
        let forward = settings.forwardAuth
        XCTAssertFalse(forward.checkUser)
        XCTAssertEqual(forward.headers.map(\.header), ["X-Auth-Email", "X-Auth-Groups"])
        XCTAssertEqual(forward.headers.map(\.claim), ["email", "groups"])
        XCTAssertEqual(forward.rules.count, 2)
        XCTAssertEqual(forward.rules[0].pathPrefix, "/admin/")
        XCTAssertNil(forward.rules[0].host)
        XCTAssertEqual(forward.rules[0].require.map(\.claim), ["groups", "is_staff"])
        XCTAssertEqual(forward.rules[0].require.map(\.value), ["admin", "true"])
        XCTAssertEqual(forward.rules[1].pathPrefix, "/")
        XCTAssertEqual(forward.rules[1].host, "ops.example.com")
    }

    /// Plain-http development works, but check-config says what it costs; the prefixes are dropped.
    func testInsecureCookiesAreWarnedAbout() throws {
        let settings = try parse(head + "cookies:\n  secure: false\n")
        XCTAssertEqual(settings.cookies.accessCookie, "authd_access")
        XCTAssertEqual(settings.cookies.refreshCookie, "authd_refresh")
        XCTAssertEqual(settings.warnings, [
            "authd.yaml:4:3: cookies.secure: secure: false sends tokens over plain http and drops the __Host-/__Secure- cookie prefixes; use it for local development only",
        ])
    }

    func testCookieMistakes() throws {
        assertMessages(errors(head + """
            cookies:
              allowed_origins: ["*", https://app.example.com/path]
              secure: false
              same_site: None
              domain: exa mple.com
              access_cookie: "bad name"
              refresh_cookie: __Host-refresh
              csrf_header: "X CSRF"
            """), [
            #"authd.yaml:4:3: cookies.allowed_origins: "*" is not an origin; write scheme://host[:port] without a path, such as "https://app.example.com""#,
            #"authd.yaml:4:3: cookies.allowed_origins: "https://app.example.com/path" is not an origin; write scheme://host[:port] without a path, such as "https://app.example.com""#,
            "authd.yaml:6:3: cookies.same_site: same_site: None needs secure: true (browsers refuse SameSite=None cookies without Secure)",
            #"authd.yaml:7:3: cookies.domain: "exa mple.com" is not a domain name such as "example.com""#,
            #"authd.yaml:8:3: cookies.access_cookie: "bad name" is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~ only)"#,
            #"authd.yaml:9:3: cookies.refresh_cookie: the cookie name "__Host-refresh" needs secure: true; browsers refuse __Host-/__Secure- cookies without Secure"#,
            #"authd.yaml:10:3: cookies.csrf_header: "X CSRF" is not a valid header name"#,
        ])
    }

    func testDomainIsIncompatibleWithHostPrefix() throws {
        assertMessages(errors(head + "cookies:\n  domain: example.com\n"), [
            #"authd.yaml:4:3: cookies.domain: cookies.domain cannot be used with the __Host- cookie "__Host-authd_access" (a __Host- cookie has no Domain); set cookies.access_cookie to a name such as "__Secure-authd_access", or remove domain"#,
        ])
        XCTAssertEqual(try parse(head + "cookies:\n  domain: example.com\n  access_cookie: __Secure-authd_access\n").cookies.domain,
                       "example.com")
    }

    func testRefreshCookieCannotBeHostPrefixed() throws {
        assertMessages(errors(head + "cookies:\n  refresh_cookie: __Host-r\n  csrf_cookie: __Host-authd_access\n"), [
            "authd.yaml:3:1: cookies: the access, refresh and CSRF cookies need three different names",
            "authd.yaml:4:3: cookies.refresh_cookie: the refresh cookie is scoped to the token endpoints, and a __Host- cookie must have Path=/; use a __Secure- name",
        ])
    }

    func testForwardAuthMistakes() throws {
        assertMessages(errors(head + """
            forward_auth:
              headers: {X-Auth-User-Id: sub, "bad header": email, Set-Cookie: x, X-Auth-Email: [a]}
              rules:
                - path_prefix: admin/
                  require: {groups: admin}
                - path_prefix: /ops/
                - require: {groups: x}
                - path_prefix: /x/
                  require: {groups: [a, b]}
                  colour: red
                - just text
              check_user: sometimes
            """), [
            "authd.yaml:4:13: forward_auth.headers.X-Auth-User-Id: X-Auth-User-Id always carries the user id; map the claim to another header",
            #"authd.yaml:4:34: forward_auth.headers.bad header: "bad header" is not a valid header name"#,
            #"authd.yaml:4:55: forward_auth.headers.Set-Cookie: "Set-Cookie" is a header authd or HTTP itself manages; use a name starting with X-Auth-"#,
            "authd.yaml:4:70: forward_auth.headers.X-Auth-Email: expected a claim name, got a list",
            #"authd.yaml:6:7: forward_auth.rules[0].path_prefix: expected a URL path starting with "/", such as "/admin/""#,
            "authd.yaml:8:7: forward_auth.rules[1]: a rule needs require: {claim: value}",
            "authd.yaml:9:7: forward_auth.rules[2]: a rule needs path_prefix (and optionally host)",
            #"authd.yaml:11:17: forward_auth.rules[3].require.groups: expected the claim's required value, such as "admin", got a list"#,
            #"authd.yaml:12:7: forward_auth.rules[3].colour: unknown key "colour"; known keys: path_prefix, host, require"#,
            #"authd.yaml:13:7: forward_auth.rules[4]: expected a rule mapping such as {path_prefix: /admin/, require: {groups: admin}}, got "just text""#,
            #"authd.yaml:14:3: forward_auth.check_user: expected true or false, got "sometimes""#,
        ])
    }
}
