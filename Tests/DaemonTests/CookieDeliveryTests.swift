import Foundation
import TestSupport
import XCTest

/// `delivery: cookie` through the real daemon: cookie attributes, reading tokens back, CSRF (origin and token),
/// CORS and logout — every branch, over a real socket.
final class CookieDeliveryTests: XCTestCase {
    private var browser: BrowserFixture!
    private let access = "__Host-authd_access", refresh = "__Secure-authd_refresh", csrf = "authd_csrf"

    override func setUpWithError() throws {
        browser = try BrowserFixture()
        try browser.daemon.addUser("alice", password: "pw")
    }

    override func tearDown() { browser = nil }

    private struct Session {
        var access: String
        var refresh: String
        var csrf: String
    }

    private func login(_ client: RawHTTPClient, origin: String? = BrowserFixture.app, headers: [(String, String)] = [])
        throws -> (RawHTTPClient.Response, Session?) {
        let response = try client.browserPost("/api/token/", origin: origin, body: "username=alice&password=pw", headers: headers)
        let cookies = response.setCookies
        guard let a = cookies[access]?.value, let r = cookies[refresh]?.value, let c = cookies[csrf]?.value else {
            return (response, nil)
        }
        return (response, Session(access: a, refresh: r, csrf: c))
    }

    private func cookies(_ session: Session) -> [String: String] {
        [access: session.access, refresh: session.refresh, csrf: session.csrf]
    }

    func testObtainSetsHttpOnlySecureCookiesAndNoTokenInTheBody() throws {
        let client = try browser.cookie()
        let (response, session) = try login(client)
        XCTAssertEqual(response.status, 200, response.text)
        let s = try XCTUnwrap(session, "three cookies expected: \(response.headers)")
        XCTAssertTrue(response.text.range(of: #"^\{"access_expires":\d+,"refresh_expires":\d+\}$"#, options: .regularExpression) != nil,
                      response.text)
        XCTAssertFalse(response.text.contains(s.access) || response.text.contains(s.refresh))
        let set = response.setCookies
        XCTAssertEqual(set[access]?.attributes, "Path=/; Max-Age=300; HttpOnly; Secure; SameSite=Lax")
        XCTAssertEqual(set[refresh]?.attributes, "Path=/api/token; Max-Age=86400; HttpOnly; Secure; SameSite=Lax")
        XCTAssertEqual(set[csrf]?.attributes, "Path=/; Max-Age=86400; Secure; SameSite=Lax", "readable by JavaScript")
        XCTAssertTrue(s.csrf.range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil, s.csrf)
        let accessClaims = try JWTParts(s.access).claims, refreshClaims = try JWTParts(s.refresh).claims
        XCTAssertEqual(accessClaims["token_type"] as? String, "access")
        XCTAssertEqual(refreshClaims["token_type"] as? String, "refresh")
        XCTAssertEqual(response.json["access_expires"] as? Int, accessClaims["exp"] as? Int)
        XCTAssertEqual(response.json["refresh_expires"] as? Int, refreshClaims["exp"] as? Int)
        XCTAssertEqual(response.header("Access-Control-Allow-Origin"), BrowserFixture.app)
        XCTAssertEqual(response.header("Access-Control-Allow-Credentials"), "true")
        XCTAssertEqual(response.header("Vary"), "Accept, Origin")
        // Scripts on another allowed origin cannot read this site's cookies: the token comes in a header too.
        XCTAssertEqual(response.header("X-CSRFToken"), s.csrf)
        XCTAssertEqual(response.header("Access-Control-Expose-Headers"), "X-CSRFToken")
    }

    /// Login CSRF: obtain needs the Origin (or Referer) check, since no session exists yet.
    func testObtainChecksTheOrigin() throws {
        let client = try browser.cookie()
        let evil = try login(client, origin: "https://evil.example").0
        XCTAssertEqual(evil.status, 403)
        XCTAssertEqual(evil.text, #"{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}"#)
        XCTAssertTrue(evil.setCookies.isEmpty)
        XCTAssertNil(evil.header("Access-Control-Allow-Origin"))
        let none = try login(client, origin: nil).0
        XCTAssertEqual(none.status, 403)
        XCTAssertEqual(none.text, #"{"detail":"CSRF Failed: Referer checking failed - no Referer."}"#)
        let badReferer = try login(client, origin: nil, headers: [("Referer", "https://evil.example/page")]).0
        XCTAssertEqual(badReferer.text,
                       #"{"detail":"CSRF Failed: Referer checking failed - https://evil.example/page does not match any trusted origins."}"#)
        XCTAssertEqual(try login(client, origin: nil, headers: [("Referer", "https://app.example.com/login?x=1")]).0.status, 200)
        XCTAssertEqual(try login(client, origin: "https://localhost").0.status, 200, "the request's own origin")
        XCTAssertEqual(try login(client, origin: "http://localhost").0.status, 403, "secure cookies: the own origin is https")
        XCTAssertEqual(try login(client, origin: "https://localhost",
                                 headers: [("X-Forwarded-Proto", "http")]).0.status, 403)
        XCTAssertEqual(try login(client, origin: "null").0.status, 403)
        let crossSite = try login(client, headers: [("Sec-Fetch-Site", "cross-site")]).0
        XCTAssertEqual(crossSite.status, 403)
        XCTAssertEqual(crossSite.text,
                       #"{"detail":"CSRF Failed: Cross-site request refused: the browser marked it Sec-Fetch-Site: cross-site."}"#)
        XCTAssertEqual(try login(client, headers: [("Sec-Fetch-Site", "same-site")]).0.status, 200)
    }

    func testRefreshFromTheCookieNeedsTheSessionsCSRFToken() throws {
        let client = try browser.cookie()
        let s = try XCTUnwrap(login(client).1)
        let other = try XCTUnwrap(login(client).1)

        let missing = try client.browserPost("/api/token/refresh/", cookies: [refresh: s.refresh, csrf: s.csrf])
        XCTAssertEqual(missing.status, 403)
        XCTAssertEqual(missing.text, #"{"detail":"CSRF Failed: CSRF token missing."}"#)
        // Another session's CSRF token (a cookie planted from a sibling subdomain, say) is not this session's.
        for wrong in [other.csrf, "0" + s.csrf.dropFirst(), "x"] {
            let refused = try client.browserPost("/api/token/refresh/", cookies: [refresh: s.refresh, csrf: wrong],
                                                 headers: [("X-CSRFToken", wrong)])
            XCTAssertEqual(refused.status, 403, wrong)
            XCTAssertEqual(refused.text, #"{"detail":"CSRF Failed: CSRF token incorrect."}"#)
        }
        let evil = try client.browserPost("/api/token/refresh/", origin: "https://evil.example",
                                          cookies: [refresh: s.refresh], headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(evil.status, 403, "the right token from the wrong origin")

        let ok = try client.browserPost("/api/token/refresh/", cookies: [refresh: s.refresh], headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(ok.status, 200, ok.text)
        let rotated = ok.setCookies
        let newRefresh = try XCTUnwrap(rotated[refresh]?.value), newCSRF = try XCTUnwrap(rotated[csrf]?.value)
        XCTAssertNotEqual(newRefresh, s.refresh)
        XCTAssertNotEqual(newCSRF, s.csrf, "the CSRF token follows the rotated session")
        XCTAssertNotNil(rotated[access])
        XCTAssertEqual(ok.json["refresh_expires"] as? Int, try JWTParts(newRefresh).claims["exp"] as? Int)

        let stale = try client.browserPost("/api/token/refresh/", cookies: [refresh: newRefresh], headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(stale.text, #"{"detail":"CSRF Failed: CSRF token incorrect."}"#, "the old CSRF token died with its session")
        let reused = try client.browserPost("/api/token/refresh/", cookies: [refresh: s.refresh], headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(reused.status, 401)
        XCTAssertEqual(reused.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
    }

    /// A body field wins over the cookie (and needs no CSRF token: the page had to know the token).
    func testABodyTokenWinsOverTheCookie() throws {
        let client = try browser.cookie()
        let s = try XCTUnwrap(login(client).1)
        let response = try client.browserPost("/api/token/verify/", body: "token=garbage", cookies: cookies(s))
        XCTAssertEqual(response.status, 401)
        XCTAssertEqual(response.text, #"{"detail":"Token is invalid","code":"token_not_valid"}"#)
        let fine = try client.browserPost("/api/token/verify/", body: "token=\(s.access)")
        XCTAssertEqual(fine.status, 200)
        let none = try client.browserPost("/api/token/refresh/")
        XCTAssertEqual(none.status, 400)
        XCTAssertEqual(none.text, #"{"refresh":["This field is required."]}"#)
    }

    func testVerifyReadsTheAccessCookie() throws {
        let client = try browser.cookie()
        let s = try XCTUnwrap(login(client).1)
        let ok = try client.browserPost("/api/token/verify/", cookies: cookies(s), headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(ok.text, "{}")
        XCTAssertEqual(try client.browserPost("/api/token/verify/", cookies: cookies(s)).status, 403)
    }

    func testLogoutBlacklistsAndClearsEveryCookie() throws {
        let client = try browser.cookie()
        let s = try XCTUnwrap(login(client).1)
        let evil = try client.browserPost("/api/token/blacklist/", origin: "https://evil.example", cookies: cookies(s),
                                          headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(evil.status, 403)
        XCTAssertTrue(evil.setCookies.isEmpty, "a refused logout leaves the cookies")
        let noToken = try client.browserPost("/api/token/blacklist/", cookies: cookies(s))
        XCTAssertEqual(noToken.status, 403)
        XCTAssertTrue(noToken.setCookies.isEmpty)

        let out = try client.browserPost("/api/token/blacklist/", cookies: cookies(s), headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(out.status, 200, out.text)
        XCTAssertEqual(out.text, "{}")
        let cleared = out.setCookies
        XCTAssertEqual(cleared[access]?.value, "")
        XCTAssertEqual(cleared[access]?.attributes, "Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax")
        XCTAssertEqual(cleared[refresh]?.attributes, "Path=/api/token; Max-Age=0; HttpOnly; Secure; SameSite=Lax")
        XCTAssertEqual(cleared[csrf]?.attributes, "Path=/; Max-Age=0; Secure; SameSite=Lax")
        let after = try client.browserPost("/api/token/refresh/", cookies: [refresh: s.refresh], headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(after.status, 401)
        XCTAssertEqual(after.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
        // Logging out of a session that is already over still clears what the browser holds.
        let again = try client.browserPost("/api/token/blacklist/", cookies: cookies(s), headers: [("X-CSRFToken", s.csrf)])
        XCTAssertEqual(again.status, 401)
        XCTAssertEqual(again.setCookies[refresh]?.value, "")
    }

    func testCORSForAllowedOriginsOnly() throws {
        let client = try browser.cookie()
        let preflight = try client.request("OPTIONS", "/api/token/refresh/", headers: [
            ("Origin", BrowserFixture.app), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type,x-csrftoken"),
        ])
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.header("Access-Control-Allow-Origin"), BrowserFixture.app)
        XCTAssertEqual(preflight.header("Access-Control-Allow-Credentials"), "true")
        XCTAssertEqual(preflight.header("Access-Control-Allow-Methods"), "POST, OPTIONS")
        XCTAssertEqual(preflight.header("Access-Control-Allow-Headers"), "Content-Type, X-CSRFToken")
        XCTAssertEqual(preflight.header("Access-Control-Max-Age"), "600")
        XCTAssertEqual(preflight.header("Vary"), "Accept, Origin")

        let foreign = try client.request("OPTIONS", "/api/token/refresh/", headers: [
            ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
        ])
        XCTAssertEqual(foreign.status, 200)
        XCTAssertNil(foreign.header("Access-Control-Allow-Origin"))
        XCTAssertNil(foreign.header("Access-Control-Allow-Credentials"))
        XCTAssertEqual(foreign.json["name"] as? String, "Token Refresh", "DRF's metadata, as for any OPTIONS")

        let plain = try client.request("OPTIONS", "/api/token/refresh/", headers: [("Origin", BrowserFixture.app)])
        XCTAssertEqual(plain.status, 200)
        XCTAssertEqual(plain.json["name"] as? String, "Token Refresh")

        let refused = try client.browserPost("/api/token/refresh/", origin: "https://evil.example")
        XCTAssertNil(refused.header("Access-Control-Allow-Origin"))
    }

    func testSlidingTokensLiveInTheAccessCookie() throws {
        let client = try browser.cookie()
        let obtained = try client.browserPost("/api/token/sliding/", body: "username=alice&password=pw")
        XCTAssertEqual(obtained.status, 200, obtained.text)
        let token = try XCTUnwrap(obtained.setCookies[access]?.value)
        let csrfToken = try XCTUnwrap(obtained.setCookies[csrf]?.value)
        XCTAssertEqual(try JWTParts(token).claims["token_type"] as? String, "sliding")
        XCTAssertEqual(obtained.setCookies[access]?.attributes, "Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
                       "kept until it can no longer be refreshed")
        XCTAssertNil(obtained.setCookies[refresh])
        let slid = try client.browserPost("/api/token/sliding/refresh/", cookies: [access: token, csrf: csrfToken],
                                          headers: [("X-CSRFToken", csrfToken)])
        XCTAssertEqual(slid.status, 200, slid.text)
        XCTAssertEqual(try JWTParts(try XCTUnwrap(slid.setCookies[access]?.value)).claims["jti"] as? String,
                       try JWTParts(token).claims["jti"] as? String)
        XCTAssertEqual(slid.setCookies[csrf]?.value, csrfToken, "same session, same CSRF token")
    }

    /// The JSON listeners of the same daemon answer exactly as before: tokens in the body, no cookies, no CSRF.
    func testJSONListenersAreUntouched() throws {
        let client = try browser.daemon.tcp()
        let response = try client.request("POST", "/api/token/", body: "username=alice&password=pw",
                                          contentType: "application/x-www-form-urlencoded",
                                          headers: [("Origin", "https://evil.example")])
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.text.hasPrefix(#"{"refresh":""#))
        XCTAssertTrue(response.setCookies.isEmpty)
        XCTAssertNil(response.header("Access-Control-Allow-Origin"))
        XCTAssertEqual(response.header("Vary"), "Accept")
    }
}

/// `authd check-config` and `serve` accept plain-http cookies for development, and say what that costs.
final class InsecureCookieSettingsTests: XCTestCase {
    func testCheckConfigWarnsAboutSecureFalse() throws {
        let daemon = try DaemonFixture(.init(extraYAML: "cookies:\n  secure: false\n", startServer: false))
        let result = daemon.cli(["check-config"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("warning: \(daemon.configPath):"), result.stdout)
        XCTAssertTrue(result.stdout.contains(
            "cookies.secure: secure: false sends tokens over plain http and drops the __Host-/__Secure- cookie prefixes; use it for local development only"),
            result.stdout)
    }
}

/// The other cookie settings through the daemon: plain-http development, Strict, None with a Domain.
final class CookieAttributeSettingsTests: XCTestCase {
    private func login(_ browser: BrowserFixture, origin: String, headers: [(String, String)] = []) throws
        -> RawHTTPClient.Response {
        try browser.daemon.addUser("alice", password: "pw")
        return try browser.cookie().browserPost("/api/token/", origin: origin, body: "username=alice&password=pw",
                                                headers: headers)
    }

    func testPlainHTTPDevelopmentCookies() throws {
        let browser = try BrowserFixture(cookies: "  secure: false\n  same_site: Strict\n")
        let response = try login(browser, origin: "http://localhost")
        XCTAssertEqual(response.status, 200, "without secure the own origin is http: \(response.text)")
        let set = response.setCookies
        XCTAssertEqual(set["authd_access"]?.attributes, "Path=/; Max-Age=300; HttpOnly; SameSite=Strict")
        XCTAssertEqual(set["authd_refresh"]?.attributes, "Path=/api/token; Max-Age=86400; HttpOnly; SameSite=Strict")
        XCTAssertEqual(set["authd_csrf"]?.attributes, "Path=/; Max-Age=86400; SameSite=Strict")
        XCTAssertNil(set["__Host-authd_access"])
        XCTAssertEqual(try browser.cookie().browserPost("/api/token/", origin: "https://localhost",
                                                        body: "username=alice&password=pw").status, 403)
    }

    /// SameSite=None is the setting made for cross-site apps: their requests are not refused for being cross-site.
    func testSameSiteNoneWithADomain() throws {
        let browser = try BrowserFixture(cookies: """
              allowed_origins: [https://app.example.org]
              same_site: None
              domain: example.com
              access_cookie: __Secure-authd_access

            """)
        let response = try login(browser, origin: "https://app.example.org", headers: [("Sec-Fetch-Site", "cross-site")])
        XCTAssertEqual(response.status, 200, response.text)
        let set = response.setCookies
        XCTAssertEqual(set["__Secure-authd_access"]?.attributes,
                       "Path=/; Max-Age=300; Domain=example.com; HttpOnly; Secure; SameSite=None")
        XCTAssertEqual(set["authd_csrf"]?.attributes, "Path=/; Max-Age=86400; Domain=example.com; Secure; SameSite=None")
        XCTAssertEqual(response.header("Access-Control-Allow-Origin"), "https://app.example.org")
    }
}
