import Foundation
import TestSupport
import XCTest

/// SIMPLE_JWT settings and daemon limits, observed through the real daemon.
final class SettingsHonouredTests: XCTestCase {
    private func obtain(_ daemon: DaemonFixture, _ user: String, _ password: String) throws -> RawHTTPClient.Response {
        try daemon.tcp().post("/api/token/", json: try jsonString(["username": user, "password": password]))
    }

    func testAudienceIssuerAndClaimNames() throws {
        let daemon = try DaemonFixture(.init(simpleJWT: [
            "AUDIENCE": "[web, mobile]", "ISSUER": "https://auth.example", "USER_ID_CLAIM": "uid",
            "TOKEN_TYPE_CLAIM": "typ_", "JTI_CLAIM": "token_id", "USER_ID_FIELD": "username",
            "ACCESS_TOKEN_LIFETIME": "90s",
        ]))
        try daemon.addUser("zoe", password: "pw")
        let pair = try obtain(daemon, "zoe", "pw")
        XCTAssertEqual(pair.status, 200, pair.text)
        let access = try JWTParts(try XCTUnwrap(pair.json["access"] as? String))
        XCTAssertEqual(access.claims["uid"] as? String, "zoe")
        XCTAssertEqual(access.claims["typ_"] as? String, "access")
        XCTAssertNotNil(access.claims["token_id"])
        XCTAssertNil(access.claims["jti"])
        XCTAssertEqual(access.claims["aud"] as? [String], ["web", "mobile"])
        XCTAssertEqual(access.claims["iss"] as? String, "https://auth.example")
        XCTAssertEqual((access.claims["exp"] as! Int) - (access.claims["iat"] as! Int), 90)
        let refresh = try daemon.tcp().post("/api/token/refresh/", json: try jsonString(["refresh": pair.json["refresh"] as! String]))
        XCTAssertEqual(refresh.status, 200, refresh.text)

        // A token for another audience or issuer, signed with the right key, is invalid here.
        try Python.requirePyJWT()
        for (aud, iss) in [("other", "https://auth.example"), ("web", "https://evil.example")] {
            let token = try pyjwt(daemon, claims: """
                {"typ_": "access", "exp": int(time.time()) + 60, "token_id": "x", "uid": "zoe", "aud": "\(aud)", "iss": "\(iss)"}
                """)
            let verify = try daemon.tcp().post("/api/token/verify/", json: try jsonString(["token": token]))
            XCTAssertEqual(verify.status, 401, "\(aud) \(iss)")
            XCTAssertEqual(verify.text, #"{"detail":"Token is invalid","code":"token_not_valid"}"#)
        }
    }

    func testLeewayAndExpiry() throws {
        try Python.requirePyJWT()
        let strict = try DaemonFixture()
        let expired = try pyjwt(strict, claims: #"{"token_type": "access", "exp": int(time.time()) - 30, "jti": "a", "user_id": "1"}"#)
        let answer = try strict.tcp().post("/api/token/verify/", json: try jsonString(["token": expired]))
        XCTAssertEqual(answer.status, 401)
        XCTAssertEqual(answer.text, #"{"detail":"Token is expired","code":"token_not_valid"}"#)

        let lenient = try DaemonFixture(.init(simpleJWT: ["LEEWAY": "1m"]))
        let late = try pyjwt(lenient, claims: #"{"token_type": "access", "exp": int(time.time()) - 30, "jti": "a", "user_id": "1"}"#)
        XCTAssertEqual(try lenient.tcp().post("/api/token/verify/", json: try jsonString(["token": late])).status, 200)

        let noExp = try pyjwt(strict, claims: #"{"token_type": "access", "jti": "a", "user_id": "1"}"#)
        XCTAssertEqual(try strict.tcp().post("/api/token/verify/", json: try jsonString(["token": noExp])).text,
                       #"{"detail":"Token has no 'exp' claim","code":"token_not_valid"}"#)
        let noType = try pyjwt(strict, claims: #"{"exp": int(time.time()) + 60, "jti": "a", "user_id": "1"}"#)
        XCTAssertEqual(try strict.tcp().post("/api/token/refresh/", json: try jsonString(["refresh": noType])).text,
                       #"{"detail":"Token has no type","code":"token_not_valid"}"#)
        let noID = try pyjwt(strict, claims: #"{"token_type": "access", "exp": int(time.time()) + 60, "user_id": "1"}"#)
        XCTAssertEqual(try strict.tcp().post("/api/token/verify/", json: try jsonString(["token": noID])).text,
                       #"{"detail":"Token has no id","code":"token_not_valid"}"#)
    }

    /// Tokens PyJWT mints with the shared key are honoured (never recorded by authd), and authd's verify with PyJWT.
    func testPyJWTInteropAtTheDaemon() throws {
        try Python.requirePyJWT()
        let daemon = try DaemonFixture(.init(simpleJWT: ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true"]))
        try daemon.addUser("ann", password: "pw")
        let foreign = try pyjwt(daemon, claims: """
            {"token_type": "refresh", "exp": int(time.time()) + 600, "iat": int(time.time()), "jti": "f" * 32, "user_id": "1"}
            """)
        let refreshed = try daemon.tcp().post("/api/token/refresh/", json: try jsonString(["refresh": foreign]))
        XCTAssertEqual(refreshed.status, 200, refreshed.text)
        let replay = try daemon.tcp().post("/api/token/refresh/", json: try jsonString(["refresh": foreign]))
        XCTAssertEqual(replay.status, 401, "a foreign token is blacklisted after rotation like any other")

        let access = try XCTUnwrap(refreshed.json["access"] as? String)
        let decoded = try Python.run(script: """
            import jwt, sys
            key = open(sys.argv[1]).read()[:-1]
            print(jwt.decode(sys.argv[2], key, algorithms=["HS256"])["user_id"])
            """.replacingOccurrences(of: "sys.argv[1]", with: "'\(daemon.keyPath)'")
                .replacingOccurrences(of: "sys.argv[2]", with: "'\(access)'"))
        XCTAssertEqual(decoded.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "1", decoded.stderr)
    }

    func testRevokedByPasswordChange() throws {
        let daemon = try DaemonFixture(.init(simpleJWT: ["CHECK_REVOKE_TOKEN": "true"]))
        try daemon.addUser("kim", password: "one")
        let pair = try obtain(daemon, "kim", "one")
        let refresh = try XCTUnwrap(pair.json["refresh"] as? String)
        let digest = try JWTParts(refresh).claims["hash_password"] as? String
        XCTAssertEqual(digest?.count, 32)
        XCTAssertEqual(digest, digest?.uppercased(), "SimpleJWT's digest is upper-case MD5 hex")
        XCTAssertEqual(try daemon.tcp().post("/api/token/refresh/", json: try jsonString(["refresh": refresh])).status, 200)
        XCTAssertEqual(daemon.cli(["user", "passwd", "kim", "--password-stdin"], stdin: "two\n").status, 0)
        let after = try daemon.tcp().post("/api/token/refresh/", json: try jsonString(["refresh": refresh]))
        XCTAssertEqual(after.status, 401)
        XCTAssertEqual(after.text, #"{"detail":"The user's password has been changed.","code":"password_changed"}"#)
    }

    /// Django's behaviour: a successful login re-hashes a password stored at another cost.
    func testPasswordIsRehashedWhenTheCostChanges() throws {
        let daemon = try DaemonFixture(.init(iterations: 1000))
        try daemon.addUser("lee", password: "pw")
        XCTAssertTrue(try storedHash(daemon, "lee").hasPrefix("pbkdf2_sha256$1000$"))
        daemon.stop()
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "iterations: 1000", with: "iterations: 1200")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()
        XCTAssertEqual(try obtain(daemon, "lee", "pw").status, 200)
        XCTAssertTrue(try storedHash(daemon, "lee").hasPrefix("pbkdf2_sha256$1200$"))
        XCTAssertEqual(try obtain(daemon, "lee", "pw").status, 200)
    }

    /// A Django hash pasted into the store verifies as is.
    func testDjangoHashVerifies() throws {
        let daemon = try DaemonFixture()
        try daemon.addUser("max", password: "placeholder")
        // Django 6.1: make_password("correct horse", salt="seasalt123", hasher="pbkdf2_sha256") at 1000 iterations.
        let django = try Python.run(script: """
            from django.conf import settings; settings.configure()
            from django.contrib.auth.hashers import PBKDF2PasswordHasher
            print(PBKDF2PasswordHasher().encode("correct horse", "seasalt123", iterations=1000))
            """)
        XCTAssertEqual(django.status, 0, django.stderr)
        let hash = django.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try sql(daemon, "UPDATE users SET password = '\(hash)' WHERE username = 'max'")
        XCTAssertEqual(try obtain(daemon, "max", "correct horse").status, 200)
        XCTAssertEqual(try obtain(daemon, "max", "correct horsE").status, 401)
    }

    /// Obtain never queues for long: with one hashing worker and a queue of one, a burst gets 503 + Retry-After,
    /// while verify keeps answering.
    func testWorkerPoolFullAnswers503() throws {
        let daemon = try DaemonFixture(.init(iterations: 3_000_000, poolWorkers: 1, poolQueue: 1))
        try daemon.addUser("ned", password: "pw")
        let body = try jsonString(["username": "ned", "password": "pw"])
        let request = Array("POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        let clients = try (0..<6).map { _ in try daemon.tcp() }
        for client in clients { try client.send(request) }
        let health = try daemon.tcp().request("GET", "/healthz")
        XCTAssertEqual(health.status, 200, "the event loops stay free while passwords hash")
        let answers = try clients.map { try $0.readResponse() }
        let busy = answers.filter { $0.status == 503 }
        XCTAssertFalse(busy.isEmpty, answers.map { "\($0.status)" }.joined(separator: ","))
        XCTAssertGreaterThanOrEqual(answers.filter { $0.status == 200 }.count, 1)
        for answer in busy {
            XCTAssertEqual(answer.header("Retry-After"), "1")
            XCTAssertNotNil(answer.json["detail"] as? String)
        }
    }

    private func storedHash(_ daemon: DaemonFixture, _ user: String) throws -> String {
        let result = try Python.run(script: """
            import sqlite3
            db = sqlite3.connect('\(daemon.directory)/authd.sqlite3')
            print(db.execute("SELECT password FROM users WHERE username = ?", ('\(user)',)).fetchone()[0])
            """)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func sql(_ daemon: DaemonFixture, _ statement: String) throws {
        let result = try Python.run(script: """
            import sqlite3
            db = sqlite3.connect('\(daemon.directory)/authd.sqlite3')
            db.execute(\"\"\"\(statement)\"\"\")
            db.commit()
            """)
        XCTAssertEqual(result.status, 0, result.stderr)
    }
}

/// Signs `claims` (a Python expression) with PyJWT and the fixture's HS256 key.
func pyjwt(_ daemon: DaemonFixture, claims: String) throws -> String {
    let result = try Python.run(script: """
        import jwt, time
        key = open('\(daemon.keyPath)').read()[:-1]
        print(jwt.encode(\(claims), key, algorithm="HS256"))
        """)
    guard result.status == 0 else { throw ClientError("PyJWT failed: \(result.stderr)") }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}
