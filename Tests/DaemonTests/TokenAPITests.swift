import Foundation
import TestSupport
import XCTest

/// SPEC §1, row by row, against a real daemon over TCP (and the Unix socket where noted).
final class TokenAPITests: XCTestCase {
    var daemon: DaemonFixture!

    override func setUpWithError() throws {
        daemon = try DaemonFixture(.init(simpleJWT: [
            "ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true", "UPDATE_LAST_LOGIN": "true",
        ]))
        try daemon.addUser("alice", password: " s3cret pass ")
        try daemon.addUser("sleepy", password: "pw", extra: ["--inactive"])
    }

    override func tearDown() { daemon = nil }

    private func obtain(_ client: RawHTTPClient, user: String = "alice", password: String = " s3cret pass ")
        throws -> (refresh: String, access: String) {
        let body = try jsonString(["username": user, "password": password])
        let response = try client.post("/api/token/", json: body)
        XCTAssertEqual(response.status, 200, response.text)
        return (response.json["refresh"] as? String ?? "", response.json["access"] as? String ?? "")
    }

    func testObtainPairBodyShapeAndClaims() throws {
        let client = try daemon.tcp()
        let response = try client.post("/api/token/", json: #"{"username":"alice","password":" s3cret pass "}"#)
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        XCTAssertTrue(response.text.hasPrefix(#"{"refresh":""#), "key order must be refresh, access: \(response.text)")
        XCTAssertFalse(response.text.contains(" "), "compact JSON expected")
        let refresh = try JWTParts(response.json["refresh"] as! String)
        let access = try JWTParts(response.json["access"] as! String)
        XCTAssertEqual(refresh.headerJSON, #"{"alg":"HS256","typ":"JWT"}"#)
        XCTAssertEqual(refresh.claims["token_type"] as? String, "refresh")
        XCTAssertEqual(access.claims["token_type"] as? String, "access")
        for token in [refresh, access] {
            XCTAssertEqual(token.claims["user_id"] as? String, "1")
            XCTAssertTrue(token.claimsJSON.range(of: #"^[{]"token_type":"[a-z]+","exp":\d+,"iat":\d+,"jti":"[0-9a-f]{32}","user_id":"1"[}]$"#,
                                                options: .regularExpression) != nil, token.claimsJSON)
        }
        XCTAssertNotEqual(refresh.claims["jti"] as? String, access.claims["jti"] as? String)
        let lifetime = (refresh.claims["exp"] as! Int) - (refresh.claims["iat"] as! Int)
        XCTAssertEqual(lifetime, 86_400, "SimpleJWT's default REFRESH_TOKEN_LIFETIME is one day")
        XCTAssertEqual((access.claims["exp"] as! Int) - (access.claims["iat"] as! Int), 300)
    }

    func testPasswordsAreNotTrimmed() throws {
        let client = try daemon.tcp()
        let response = try client.post("/api/token/", json: #"{"username":"alice","password":"s3cret pass"}"#)
        XCTAssertEqual(response.status, 401)
    }

    func testBadCredentialsUnknownAndInactiveUsers() throws {
        let client = try daemon.tcp()
        for (user, password) in [("alice", "wrong"), ("nobody", "pw"), ("sleepy", "pw")] {
            let response = try client.post("/api/token/", json: try jsonString(["username": user, "password": password]))
            XCTAssertEqual(response.status, 401, user)
            XCTAssertEqual(response.text, #"{"detail":"No active account found with the given credentials"}"#)
            XCTAssertEqual(response.header("WWW-Authenticate"), #"Bearer realm="api""#)
        }
    }

    func testRefreshRotatesAndBlacklistsTheOldToken() throws {
        let client = try daemon.tcp()
        let pair = try obtain(client)
        let first = try client.post("/api/token/refresh/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(first.status, 200, first.text)
        XCTAssertTrue(first.text.hasPrefix(#"{"access":""#), first.text)
        let newRefresh = try XCTUnwrap(first.json["refresh"] as? String)
        XCTAssertNotEqual(newRefresh, pair.refresh)
        let old = try JWTParts(pair.refresh), new = try JWTParts(newRefresh)
        XCTAssertNotEqual(old.claims["jti"] as? String, new.claims["jti"] as? String)
        XCTAssertEqual(new.claims["user_id"] as? String, "1")

        let again = try client.post("/api/token/refresh/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(again.status, 401)
        XCTAssertEqual(again.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
        XCTAssertEqual(again.header("WWW-Authenticate"), #"Bearer realm="api""#)

        // verify: a blacklisted token is a 400 with BLACKLIST_AFTER_ROTATION on.
        let verify = try client.post("/api/token/verify/", json: try jsonString(["token": pair.refresh]))
        XCTAssertEqual(verify.status, 400)
        XCTAssertEqual(verify.text, #"{"non_field_errors":["Token is blacklisted"]}"#)
    }

    func testAccessTokenCopiesRefreshClaims() throws {
        let client = try daemon.tcp()
        let pair = try obtain(client)
        let response = try client.post("/api/token/refresh/", json: try jsonString(["refresh": pair.refresh]))
        let access = try JWTParts(try XCTUnwrap(response.json["access"] as? String))
        XCTAssertEqual(access.claims["token_type"] as? String, "access")
        XCTAssertEqual(access.claims["user_id"] as? String, "1")
    }

    func testVerifyAndBlacklist() throws {
        let client = try daemon.tcp()
        let pair = try obtain(client)
        for token in [pair.access, pair.refresh] {
            let ok = try client.post("/api/token/verify/", json: try jsonString(["token": token]))
            XCTAssertEqual(ok.status, 200)
            XCTAssertEqual(ok.text, "{}")
        }
        let logout = try client.post("/api/token/blacklist/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(logout.status, 200, logout.text)
        XCTAssertEqual(logout.text, "{}")
        let twice = try client.post("/api/token/blacklist/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(twice.status, 401)
        XCTAssertEqual(twice.text, #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
        let refresh = try client.post("/api/token/refresh/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(refresh.status, 401)
    }

    func testTokenErrors() throws {
        let client = try daemon.tcp()
        let pair = try obtain(client)
        let cases: [(String, String, String)] = [
            ("/api/token/refresh/", #"{"refresh":"not.a.token"}"#, "Token is invalid"),
            ("/api/token/refresh/", try jsonString(["refresh": pair.access]), "Token has wrong type"),
            ("/api/token/verify/", #"{"token":"abc"}"#, "Token is invalid"),
            ("/api/token/refresh/", try jsonString(["refresh": String(pair.refresh.dropLast(2))]), "Token is invalid"),
            ("/api/token/blacklist/", try jsonString(["refresh": pair.access]), "Token has wrong type"),
            ("/api/token/sliding/refresh/", try jsonString(["token": pair.access]), "Token has wrong type"),
        ]
        for (path, body, detail) in cases {
            let response = try client.post(path, json: body)
            XCTAssertEqual(response.status, 401, "\(path) \(body)")
            XCTAssertEqual(response.text, #"{"detail":"\#(detail)","code":"token_not_valid"}"#, "\(path) \(body)")
            XCTAssertEqual(response.header("WWW-Authenticate"), #"Bearer realm="api""#)
        }
    }

    func testFieldErrors() throws {
        let client = try daemon.tcp()
        let cases: [(String, String, String)] = [
            ("/api/token/", "{}", #"{"username":["This field is required."],"password":["This field is required."]}"#),
            ("/api/token/", #"{"username":"","password":null}"#,
             #"{"username":["This field may not be blank."],"password":["This field may not be null."]}"#),
            ("/api/token/refresh/", #"{"refresh":["x"]}"#, #"{"refresh":["Not a valid string."]}"#),
            ("/api/token/refresh/", #"{"refresh":"   "}"#, #"{"refresh":["This field may not be blank."]}"#),
            ("/api/token/verify/", #"{"token":{}}"#, #"{"token":["Not a valid string."]}"#),
            ("/api/token/verify/", "[1]", #"{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}"#),
            ("/api/token/verify/", "{", #"{"detail":"JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}"#),
            ("/api/token/verify/", "", #"{"token":["This field is required."]}"#),
        ]
        for (path, body, expected) in cases {
            let response = try client.post(path, json: body)
            XCTAssertEqual(response.status, 400, "\(path) \(body)")
            XCTAssertEqual(response.text, expected, "\(path) \(body)")
        }
    }

    func testMediaTypesAndMethods() throws {
        let client = try daemon.tcp()
        let form = try client.request("POST", "/api/token/", body: "username=alice&password=+s3cret+pass+",
                                      contentType: "application/x-www-form-urlencoded")
        XCTAssertEqual(form.status, 200, form.text)
        let boundary = "----authdtest"
        let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n s3cret pass \r\n--\(boundary)--\r\n"
        let browser = try client.request("POST", "/api/token/", body: multipart,
                                         contentType: "multipart/form-data; boundary=\(boundary)")
        XCTAssertEqual(browser.status, 200, browser.text)

        let text = try client.request("POST", "/api/token/", body: "hello", contentType: "text/plain")
        XCTAssertEqual(text.status, 415)
        XCTAssertEqual(text.text, #"{"detail":"Unsupported media type \"text/plain\" in request."}"#)

        let get = try client.request("GET", "/api/token/")
        XCTAssertEqual(get.status, 405)
        XCTAssertEqual(get.text, #"{"detail":"Method \"GET\" not allowed."}"#)
        XCTAssertEqual(get.header("Allow"), "POST, OPTIONS")

        let options = try client.request("OPTIONS", "/api/token/refresh/")
        XCTAssertEqual(options.status, 200)
        XCTAssertEqual(options.json["name"] as? String, "Token Refresh")

        let missing = try client.request("POST", "/api/nothing/", body: "{}")
        XCTAssertEqual(missing.status, 404)
    }

    func testSlidingTokens() throws {
        let client = try daemon.tcp()
        let response = try client.post("/api/token/sliding/", json: #"{"username":"alice","password":" s3cret pass "}"#)
        XCTAssertEqual(response.status, 200, response.text)
        let token = try XCTUnwrap(response.json["token"] as? String)
        let parts = try JWTParts(token)
        XCTAssertEqual(parts.claims["token_type"] as? String, "sliding")
        XCTAssertEqual((parts.claims["refresh_exp"] as! Int) - (parts.claims["iat"] as! Int), 86_400)
        // Times are whole seconds: the refreshed exp can only be later once the clock has left the second of `iat`.
        let iat = try XCTUnwrap(parts.claims["iat"] as? Int)
        XCTAssertTrue(waitUntil(timeout: 5) { Int(Date().timeIntervalSince1970) > iat }, "the clock did not move past \(iat)")
        let refreshed = try client.post("/api/token/sliding/refresh/", json: try jsonString(["token": token]))
        XCTAssertEqual(refreshed.status, 200, refreshed.text)
        let again = try JWTParts(try XCTUnwrap(refreshed.json["token"] as? String))
        XCTAssertEqual(again.claims["jti"] as? String, parts.claims["jti"] as? String, "sliding refresh keeps the jti")
        XCTAssertGreaterThan(again.claims["exp"] as! Int, parts.claims["exp"] as! Int)
        XCTAssertEqual(again.claims["refresh_exp"] as? Int, parts.claims["refresh_exp"] as? Int)
    }

    func testRefreshForDeactivatedAndDeletedUsers() throws {
        let client = try daemon.tcp()
        let pair = try obtain(client)
        XCTAssertEqual(daemon.cli(["user", "deactivate", "alice"]).status, 0)
        let inactive = try client.post("/api/token/refresh/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(inactive.status, 401)
        XCTAssertEqual(inactive.text, #"{"detail":"No active account found for the given token."}"#)
        XCTAssertEqual(daemon.cli(["user", "delete", "alice"]).status, 0)
        let deleted = try client.post("/api/token/refresh/", json: try jsonString(["refresh": pair.refresh]))
        XCTAssertEqual(deleted.status, 401, "SimpleJWT answers 500 here; authd never does")
        XCTAssertEqual(deleted.text, #"{"detail":"No active account found for the given token."}"#)
    }

    func testSixteenConcurrentRefreshesRotateExactlyOnce() throws {
        let setup = try daemon.tcp()
        let pair = try obtain(setup)
        let newRefresh = try RawHTTPClient.raceRefresh(try (0..<16).map { _ in try daemon.tcp() }, token: pair.refresh)
        // The winner's new refresh token works: concurrent duplicates within the grace window do not revoke it.
        let next = try setup.post("/api/token/refresh/", json: try jsonString(["refresh": newRefresh]))
        XCTAssertEqual(next.status, 200, next.text)
    }

    func testUnixSocketServesTheSameAPI() throws {
        let client = try daemon.unix()
        let pair = try obtain(client)
        let verify = try client.post("/api/token/verify/", json: try jsonString(["token": pair.access]))
        XCTAssertEqual(verify.status, 200)
        var info = stat()
        XCTAssertEqual(stat(daemon.socketPath, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o660)
    }

    func testCurlOverUnixSocket() throws {
        let obtain = try curl("-s", "--unix-socket", daemon.socketPath, "-H", "Content-Type: application/json",
                              "-d", #"{"username":"alice","password":" s3cret pass "}"#, "http://localhost/api/token/")
        let pair = try JSONSerialization.jsonObject(with: Data(obtain.utf8)) as? [String: String] ?? [:]
        let refresh = try XCTUnwrap(pair["refresh"], obtain)
        let refreshed = try curl("-s", "--unix-socket", daemon.socketPath, "-d", "refresh=\(refresh)",
                                 "http://localhost/api/token/refresh/")
        XCTAssertTrue(refreshed.hasPrefix(#"{"access":""#), refreshed)
        let verify = try curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", daemon.socketPath,
                              "-d", "token=\(pair["access"] ?? "")", "http://localhost/api/token/verify/")
        XCTAssertEqual(verify, "200")
    }

    /// `user list` records the time of the last obtain: alice's row says "never" before and, after, a time between
    /// the moments the request was sent and answered.
    func testLastLoginIsUpdated() throws {
        XCTAssertEqual(try lastLogin("alice"), "never")
        let client = try daemon.tcp()
        let before = Date().timeIntervalSince1970.rounded(.down)
        _ = try obtain(client)
        let after = Date().timeIntervalSince1970
        let recorded = try lastLogin("alice")
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let time = try XCTUnwrap(formatter.date(from: recorded), "last login is not a time: \(recorded)").timeIntervalSince1970
        XCTAssertTrue((before...after).contains(time), "last login \(recorded) is not the time of the obtain")
        XCTAssertEqual(try lastLogin("sleepy"), "never", "only the user who logged in is touched")
    }

    /// The LAST LOGIN column of `username`'s row in `authd user list`; fails unless exactly one row is that user's.
    private func lastLogin(_ username: String) throws -> String {
        let list = daemon.cli(["user", "list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let lines = list.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first?.split(separator: " ", omittingEmptySubsequences: true).last, "LOGIN", list.stdout)
        // Columns: ID USERNAME ACTIVE STAFF SUPERUSER [EMAIL] LAST LOGIN (email may be empty).
        let rows = lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            .filter { $0.count >= 6 && $0[1] == username }
        XCTAssertEqual(rows.count, 1, "one row for \(username) expected in:\n\(list.stdout)")
        return try XCTUnwrap(rows.first?.last.map(String.init), list.stdout)
    }
}

func jsonString(_ object: [String: String]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

/// Runs curl as a user would and returns its standard output; fails unless curl exits 0.
func curl(_ arguments: String...) throws -> String {
    let result = try TestProcess.run("curl", arguments)
    guard result.status == 0 else { throw ClientError("curl \(arguments) exited \(result.status): \(result.stderrText)") }
    return result.stdoutText
}
