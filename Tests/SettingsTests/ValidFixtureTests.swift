import Settings
import XCTest

final class ValidFixtureTests: SettingsTestCase {
    /// With only a key file set, every value is SimpleJWT 5.5.1's default (settings.py DEFAULTS) or authd's.
    func testMinimalFileGetsSimpleJWTDefaults() throws {
        let settings = try parse(try fixture("valid/minimal"))
        let jwt = settings.simpleJWT
        XCTAssertEqual(jwt.accessTokenLifetime, .minutes(5))
        XCTAssertEqual(jwt.refreshTokenLifetime, .days(1))
        XCTAssertFalse(jwt.rotateRefreshTokens)
        XCTAssertFalse(jwt.blacklistAfterRotation)
        XCTAssertFalse(jwt.updateLastLogin)
        XCTAssertEqual(jwt.algorithm, .HS256)
        XCTAssertEqual(jwt.signingKey.bytes, Array(hmacSecret.utf8), "one trailing newline is stripped")
        XCTAssertEqual(jwt.signingKey.path, tmp.path + "/hs.key")
        XCTAssertEqual(jwt.signingKey.keyPath, "SIMPLE_JWT.SIGNING_KEY_FILE")
        XCTAssertEqual(jwt.signingKey.mark, SourceMark(file: "authd.yaml", line: 3, column: 3))
        XCTAssertNil(jwt.verifyingKey)
        XCTAssertNil(jwt.audience)
        XCTAssertNil(jwt.issuer)
        XCTAssertEqual(jwt.leeway, .zero)
        XCTAssertEqual(jwt.authHeaderTypes, ["Bearer"])
        XCTAssertEqual(jwt.authHeaderName.metaName, "HTTP_AUTHORIZATION")
        XCTAssertEqual(jwt.authHeaderName.httpName, "Authorization")
        XCTAssertEqual(jwt.userIDField, .id)
        XCTAssertEqual(jwt.userIDClaim, "user_id")
        XCTAssertEqual(jwt.tokenTypeClaim, "token_type")
        XCTAssertEqual(jwt.jtiClaim, "jti")
        XCTAssertEqual(jwt.slidingTokenRefreshExpClaim, "refresh_exp")
        XCTAssertEqual(jwt.slidingTokenLifetime, .minutes(5))
        XCTAssertEqual(jwt.slidingTokenRefreshLifetime, .days(1))
        XCTAssertFalse(jwt.checkRevokeToken)
        XCTAssertEqual(jwt.revokeTokenClaim, "hash_password")
        XCTAssertTrue(jwt.checkUserIsActive)

        XCTAssertEqual(settings.listen, [ListenerSettings(address: .tcp(host: "127.0.0.1", port: 8000))])
        XCTAssertEqual(settings.listen.first?.delivery, .json)
        XCTAssertEqual(settings.listen.first?.prefix, "/api/token")
        XCTAssertEqual(settings.store.sqlitePath, "/var/lib/authd/authd.sqlite3")
        XCTAssertEqual(settings.store.busyTimeout, .seconds(5))
        XCTAssertEqual(settings.passwords.hasher, .pbkdf2_sha256)
        XCTAssertEqual(settings.passwords.iterations, 1_500_000)
        XCTAssertEqual(settings.passwords.workFactor, 16384)
        XCTAssertEqual(settings.passwords.blockSize, 8)
        XCTAssertEqual(settings.passwords.parallelism, 5)
        XCTAssertGreaterThanOrEqual(settings.passwords.workers, 1)
        XCTAssertEqual(settings.passwords.queue, settings.passwords.workers, "one waiting job per worker")
        XCTAssertEqual(settings.security.refreshReuseGrace, .seconds(10))
        XCTAssertEqual(settings.security.maxBodyBytes, 65536)
        XCTAssertEqual(settings.security.maxHeaderBytes, 16384)
        XCTAssertEqual(settings.security.maxConnections, 10000)
        XCTAssertEqual(settings.security.idleTimeout, .seconds(60))
        XCTAssertEqual(settings.security.requestTimeout, .seconds(10))
        XCTAssertEqual(settings.logging.level, .info)
        XCTAssertTrue(settings.claims.isEmpty)
        XCTAssertEqual(settings.warnings, [])
        XCTAssertEqual(settings.sourcePath, "authd.yaml")
    }

    func testEverySettingChanged() throws {
        let settings = try parse(try fixture("valid/full"))
        let jwt = settings.simpleJWT
        XCTAssertEqual(jwt.accessTokenLifetime, .minutes(90))
        XCTAssertEqual(jwt.refreshTokenLifetime, .days(14))
        XCTAssertTrue(jwt.rotateRefreshTokens)
        XCTAssertTrue(jwt.blacklistAfterRotation)
        XCTAssertTrue(jwt.updateLastLogin)
        XCTAssertEqual(jwt.algorithm, .RS256)
        XCTAssertEqual(String(decoding: jwt.signingKey.bytes, as: UTF8.self),
                       "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", "PEM keys are kept byte for byte")
        XCTAssertEqual(jwt.verifyingKey?.path, tmp.path + "/rsa.pub")
        XCTAssertEqual(jwt.verifyingKey?.keyPath, "SIMPLE_JWT.VERIFYING_KEY_FILE")
        XCTAssertEqual(jwt.audience, Audience(values: ["web", "mobile"], isList: true))
        XCTAssertEqual(jwt.issuer, "https://auth.example.com")
        XCTAssertEqual(jwt.leeway, .milliseconds(1500))
        XCTAssertEqual(jwt.authHeaderTypes, ["JWT"])
        XCTAssertEqual(jwt.authHeaderName.metaName, "HTTP_X_ACCESS_TOKEN")
        XCTAssertEqual(jwt.authHeaderName.httpName, "X-Access-Token")
        XCTAssertEqual(jwt.userIDField, .username)
        XCTAssertEqual(jwt.userIDClaim, "sub")
        XCTAssertEqual(jwt.tokenTypeClaim, "typ")
        XCTAssertEqual(jwt.jtiClaim, "token_id")
        XCTAssertEqual(jwt.slidingTokenRefreshExpClaim, "rexp")
        XCTAssertEqual(jwt.slidingTokenLifetime, .minutes(10))
        XCTAssertEqual(jwt.slidingTokenRefreshLifetime, .days(3))
        XCTAssertTrue(jwt.checkRevokeToken)
        XCTAssertEqual(jwt.revokeTokenClaim, "pwh")
        XCTAssertFalse(jwt.checkUserIsActive)

        XCTAssertEqual(settings.listen.map(\.address), [
            .tcp(host: "::1", port: 0), .tcp(host: "localhost", port: 8443),
            .unix(path: tmp.path + "/authd.sock", mode: 0o640, group: "1000"), .systemd,
        ])
        XCTAssertEqual(settings.listen.map(\.prefix), ["/auth/v1", "/api/token", "/api/token", "/api/token"])
        XCTAssertEqual(settings.listen.first?.mark, SourceMark(file: "authd.yaml", line: 31, column: 5))
        XCTAssertEqual(settings.store.sqlitePath, tmp.path + "/authd.sqlite3")
        XCTAssertEqual(settings.store.busyTimeout, .milliseconds(250))
        XCTAssertEqual(settings.passwords.hasher, .scrypt)
        XCTAssertEqual(settings.passwords.workFactor, 32768)
        XCTAssertEqual(settings.passwords.blockSize, 16)
        XCTAssertEqual(settings.passwords.parallelism, 2)
        XCTAssertEqual(settings.passwords.workers, 3)
        XCTAssertEqual(settings.passwords.queue, 0)
        XCTAssertEqual(settings.security.refreshReuseGrace, .zero)
        XCTAssertEqual(settings.security.maxBodyBytes, 1_048_576)
        XCTAssertEqual(settings.security.maxHeaderBytes, 8192)
        XCTAssertEqual(settings.security.maxConnections, 100)
        XCTAssertEqual(settings.security.idleTimeout, .minutes(2))
        XCTAssertEqual(settings.security.requestTimeout, .milliseconds(2500))
        XCTAssertEqual(settings.logging.level, .debug)

        // claims stay raw; the alias repeats the first entry.
        XCTAssertEqual(settings.claims.map { $0["provider"]?.scalar }, ["claims.static", "claims.command", "claims.static"])
        XCTAssertEqual(settings.claims[1]["command"]?.sequence?.compactMap(\.scalar), ["/usr/lib/authd/claims-hook", "--json"])
        XCTAssertEqual(settings.claims[1]["timeout"].flatMap { $0.scalar.flatMap(TimeSpan.init) }, .milliseconds(500))
        XCTAssertEqual(settings.claims[0]["claims"]?["tenant"]?.scalar, "acme")
        XCTAssertEqual(settings.claims[1].mark, SourceMark(file: "authd.yaml", line: 53, column: 5))
        XCTAssertEqual(settings.warnings, [])
    }

    func testEmptyFileMeansDefaultsButStillNeedsAKey() {
        for text in ["", "# only a comment\n", "---\n", "~\n"] {
            assertMessages(errors(text), [
                #"authd.yaml: SIMPLE_JWT: no signing key; run "authd keys generate --algorithm HS256 --out /var/lib/authd/signing.key" and set SIGNING_KEY_FILE: /var/lib/authd/signing.key"#,
            ])
        }
    }

    func testEmptySectionsTakeDefaults() throws {
        let settings = try parse("""
            SIMPLE_JWT:
              SIGNING_KEY_FILE: \(tmp.path)/hs.key
            listen:
            store:
            passwords: {}
            security:
            logging:
            claims:
            """)
        XCTAssertEqual(settings.listen, [.default])
        XCTAssertEqual(settings.store.sqlitePath, "/var/lib/authd/authd.sqlite3")
        XCTAssertEqual(settings.logging.level, .info)
        XCTAssertTrue(settings.claims.isEmpty)
    }

    func testEmptyListenerListIsAnError() {
        assertMessages(errors("SIMPLE_JWT: {SIGNING_KEY_FILE: \(tmp.path)/hs.key}\nlisten: []\n"), [
            #"authd.yaml:2:1: listen: expected at least one listener, such as "- tcp: 127.0.0.1:8000""#,
        ])
    }

    func testAudienceStringStaysAString() throws {
        let settings = try parse("""
            SIMPLE_JWT: {SIGNING_KEY_FILE: \(tmp.path)/hs.key, AUDIENCE: api, ISSUER: "me", AUTH_HEADER_TYPES: [Bearer, JWT]}
            """)
        XCTAssertEqual(settings.simpleJWT.audience, Audience(values: ["api"], isList: false))
        XCTAssertEqual(settings.simpleJWT.issuer, "me")
        XCTAssertEqual(settings.simpleJWT.authHeaderTypes, ["Bearer", "JWT"])
    }
}
