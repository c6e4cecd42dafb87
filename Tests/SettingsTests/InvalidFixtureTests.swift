import Settings
import XCTest

/// Each invalid fixture with every message it must produce, verbatim and in file order.
final class InvalidFixtureTests: SettingsTestCase {
    func testTyposGetSuggestions() throws {
        assertMessages(errors(try fixture("invalid/typos")), [
            #"authd.yaml:2:3: SIMPLE_JWT.ACCESS_TOKEN_LIFETIM: unknown key "ACCESS_TOKEN_LIFETIM"; did you mean "ACCESS_TOKEN_LIFETIME"?"#,
            #"authd.yaml:3:3: SIMPLE_JWT.rotate_refresh_tokens: unknown key "rotate_refresh_tokens"; did you mean "ROTATE_REFRESH_TOKENS"?"#,
            #"authd.yaml:7:5: listen[0].delivey: unknown key "delivey"; did you mean "delivery"?"#,
            #"authd.yaml:9:3: logging.levle: unknown key "levle"; did you mean "level"?"#,
            #"authd.yaml:10:1: zzz: unknown key "zzz"; known keys: SIMPLE_JWT, listen, store, passwords, claims, security, logging, cookies, forward_auth, keys"#,
        ])
    }

    func testBadDurations() throws {
        let units = "(units: w, d, h, m, s, ms, largest first; a bare number is seconds)"
        assertMessages(errors(try fixture("invalid/durations")), [
            #"authd.yaml:2:3: SIMPLE_JWT.ACCESS_TOKEN_LIFETIME: expected a duration such as "15m", got "15x" "# + units,
            #"authd.yaml:3:3: SIMPLE_JWT.REFRESH_TOKEN_LIFETIME: "-1d" must be greater than zero"#,
            #"authd.yaml:4:3: SIMPLE_JWT.SLIDING_TOKEN_LIFETIME: "0" must be greater than zero"#,
            #"authd.yaml:5:3: SIMPLE_JWT.SLIDING_TOKEN_REFRESH_LIFETIME: expected a duration such as "15m", got "30m1h" "# + units,
            #"authd.yaml:6:3: SIMPLE_JWT.LEEWAY: "0.0005" is finer than a millisecond; durations have millisecond precision"#,
            #"authd.yaml:9:3: store.busy_timeout: expected a duration such as "15m", got a list"#,
            #"authd.yaml:11:3: security.idle_timeout: expected a duration such as "15m", got "1h30" "# + units,
            #"authd.yaml:12:3: security.request_timeout: expected a duration such as "15m", got "101y" "# + units,
            #"authd.yaml:13:3: security.refresh_reuse_grace: "1000000w" is longer than 100 years"#,
        ])
    }

    func testAlgorithmNoneIsRefused() throws {
        let result = SettingsLoader.parse(yaml: try fixture("invalid/algorithm_none"), file: "authd.yaml")
        guard case .failure(let failure) = result else { return XCTFail("ALGORITHM none was accepted") }
        XCTAssertEqual(failure.errors.map(\.code), [.invalidValue])
        assertMessages(failure.errors.map(\.description), [
            #"authd.yaml:2:3: SIMPLE_JWT.ALGORITHM: "none" is refused: unsigned tokens can be forged by anyone; use HS256 or another signing algorithm"#,
        ])
    }

    func testAlgorithmCaseTypo() throws {
        assertMessages(errors(try fixture("invalid/algorithm_typo")), [
            #"authd.yaml:2:3: SIMPLE_JWT.ALGORITHM: unknown algorithm "hs256"; did you mean "HS256"? (supported: HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA)"#,
        ])
    }

    func testYAMLSyntaxErrorCarriesLibYAMLPosition() throws {
        assertMessages(errors(try fixture("invalid/syntax")), [
            "authd.yaml:4:2: YAML syntax error: did not find expected key (while parsing a block mapping at line 1, column 1)",
        ])
    }

    func testBadListeners() throws {
        assertMessages(errors(try fixture("invalid/listeners")), [
            #"authd.yaml:4:5: listen[0].tcp: port "70000" must be a number from 1 to 65535 (0 picks a free port)"#,
            #"authd.yaml:5:5: listen[1].tcp: "example.com" is not an IP address; use an IPv4 address, [IPv6] or localhost (authd does not resolve host names)"#,
            #"authd.yaml:6:5: listen[2].tcp: write IPv6 addresses in brackets, such as "[::1]:8000""#,
            #"authd.yaml:7:5: listen[3].tcp: expected HOST:PORT such as "127.0.0.1:8000" or "[::1]:8000", got "8000""#,
            #"authd.yaml:8:5: listen[4].tcp: "zz" is not an IPv6 address"#,
            #"authd.yaml:9:5: listen[5].tcp: port "http" must be a number from 1 to 65535 (0 picks a free port)"#,
            #"authd.yaml:11:5: listen[6].delivery: unknown value "cookies"; did you mean "cookie"? (expected one of "json", "cookie")"#,
            "authd.yaml:13:5: listen[7].mode: mode applies only to unix listeners; remove it",
            #"authd.yaml:15:5: listen[8].mode: expected an octal mode such as "0660", got "0968""#,
            "authd.yaml:17:5: listen[10]: unix:/run/authd/authd.sock is already used by listen[9]",
            "authd.yaml:19:5: listen[11].unix: a listener has exactly one of tcp, unix or systemd; make one entry for each",
            "authd.yaml:20:5: listen[12]: a listener needs one of tcp, unix or systemd",
            #"authd.yaml:22:5: listen[13].prefix: expected a URL path such as "/api/token": starting with "/", without a trailing "/", of letters, digits and -._~"#,
            "authd.yaml:23:5: listen[14].systemd: set systemd: true to use sockets passed by systemd, or remove this listener",
            #"authd.yaml:24:5: listen[15]: expected a listener mapping such as "tcp: 127.0.0.1:8000", got "just a string""#,
        ])
    }

    func testSettingsSimpleJWTRemoved() throws {
        let result = SettingsLoader.parse(yaml: try fixture("invalid/removed"), file: "authd.yaml")
        guard case .failure(let failure) = result else { return XCTFail("removed settings were accepted") }
        XCTAssertEqual(failure.errors.map(\.code), Array(repeating: .removedSetting, count: 4))
        assertMessages(failure.errors.map(\.description), [
            "authd.yaml:2:3: SIMPLE_JWT.SECRET_KEY: SimpleJWT removed SECRET_KEY; set SIGNING_KEY_FILE (or SIGNING_KEY) instead",
            "authd.yaml:3:3: SIMPLE_JWT.AUTH_HEADER_TYPE: SimpleJWT removed AUTH_HEADER_TYPE; use AUTH_HEADER_TYPES (a string or a list)",
            "authd.yaml:4:3: SIMPLE_JWT.AUTH_TOKEN_CLASS: SimpleJWT removed AUTH_TOKEN_CLASS; authd authenticates with access tokens, remove it",
            "authd.yaml:5:3: SIMPLE_JWT.TOKEN_BACKEND_CLASS: SimpleJWT removed TOKEN_BACKEND_CLASS; authd's token backend is set by ALGORITHM, SIGNING_KEY_FILE and VERIFYING_KEY_FILE, remove it",
        ])
    }

    func testDjangoImportPathSettings() throws {
        let tail = "Remove this setting"
        assertMessages(errors(try fixture("invalid/import_paths")), [
            "authd.yaml:3:3: SIMPLE_JWT.AUTH_TOKEN_CLASSES: AUTH_TOKEN_CLASSES names Django code, which authd cannot load; authd authenticates requests with access tokens. " + tail,
            "authd.yaml:4:3: SIMPLE_JWT.TOKEN_USER_CLASS: TOKEN_USER_CLASS names Django code, which authd cannot load; authd reads users from its own store. " + tail,
            "authd.yaml:5:3: SIMPLE_JWT.USER_AUTHENTICATION_RULE: USER_AUTHENTICATION_RULE names Django code, which authd cannot load; authd accepts active users only (see CHECK_USER_IS_ACTIVE). " + tail,
            "authd.yaml:6:3: SIMPLE_JWT.JSON_ENCODER: JSON_ENCODER names Django code, which authd cannot load; authd encodes tokens with its own JSON encoder; custom claims come from `claims:` providers. " + tail,
            "authd.yaml:7:3: SIMPLE_JWT.TOKEN_OBTAIN_SERIALIZER: TOKEN_OBTAIN_SERIALIZER names Django code, which authd cannot load; custom claims come from `claims:` providers. " + tail,
            "authd.yaml:8:3: SIMPLE_JWT.SLIDING_TOKEN_REFRESH_SERIALIZER: SLIDING_TOKEN_REFRESH_SERIALIZER names Django code, which authd cannot load; custom claims come from `claims:` providers. " + tail,
            "authd.yaml:9:3: SIMPLE_JWT.JWK_URL: JWK_URL names Django code, which authd cannot load; authd verifies with its own keys (VERIFYING_KEY_FILE) and does not fetch a JWKS URL. " + tail,
        ])
    }

    func testWrongTypes() throws {
        assertMessages(errors(try fixture("invalid/wrong_types")), [
            #"authd.yaml:2:3: SIMPLE_JWT.ACCESS_TOKEN_LIFETIME: expected a duration such as "15m", got a mapping"#,
            #"authd.yaml:3:3: SIMPLE_JWT.ROTATE_REFRESH_TOKENS: expected true or false, got the quoted string "true"; remove the quotes"#,
            #"authd.yaml:4:3: SIMPLE_JWT.BLACKLIST_AFTER_ROTATION: expected true or false, got "yes""#,
            "authd.yaml:5:3: SIMPLE_JWT.UPDATE_LAST_LOGIN: expected true or false, got null",
            #"authd.yaml:6:3: SIMPLE_JWT.ALGORITHM: expected an algorithm name such as "HS256", got a list"#,
            "authd.yaml:7:3: SIMPLE_JWT.ISSUER: expected null or an issuer string, got a list",
            "authd.yaml:8:3: SIMPLE_JWT.AUDIENCE: expected null, an audience string or a list of them, got an empty list",
            "authd.yaml:9:31: SIMPLE_JWT.AUTH_HEADER_TYPES[1]: expected a string, got a mapping",
            #"authd.yaml:10:3: SIMPLE_JWT.AUTH_HEADER_NAME: expected a Django header name such as "HTTP_AUTHORIZATION" or an HTTP header name such as "X-Access-Token", got "Authorization: Bearer""#,
            #"authd.yaml:11:3: SIMPLE_JWT.USER_ID_FIELD: unknown value "email" (expected one of "id", "username")"#,
            "authd.yaml:12:3: SIMPLE_JWT.SIGNING_KEY_FILE: expected a file path, got a list",
            #"authd.yaml:13:1: store: expected a mapping of settings, got "/var/lib/authd""#,
            #"authd.yaml:15:3: passwords.iterations: expected an integer, got the quoted string "1000"; remove the quotes"#,
            #"authd.yaml:16:3: passwords.queue: expected an integer, got "many""#,
            "authd.yaml:17:3: passwords.workers: 0 is out of range; expected 1 to 1024",
            #"authd.yaml:19:3: logging.level: unknown value "verbose" (expected one of "debug", "info", "warning", "error")"#,
            #"authd.yaml:20:1: claims: expected a list of claim providers such as "- provider: claims.static", got a mapping"#,
        ])
    }

    func testEveryErrorInOneFileIsReportedInFileOrder() throws {
        assertMessages(errors(try fixture("invalid/several")), [
            #"authd.yaml:2:1: SIMPLE_JWT: no signing key; run "authd keys generate --algorithm HS256 --out /var/lib/authd/signing.key" and set SIGNING_KEY_FILE: /var/lib/authd/signing.key"#,
            #"authd.yaml:3:3: SIMPLE_JWT.ACCESS_TOKEN_LIFETIME: expected a duration such as "15m", got "soon" (units: w, d, h, m, s, ms, largest first; a bare number is seconds)"#,
            #"authd.yaml:4:3: SIMPLE_JWT.JTI_CLAIM: "user_id" is already used by USER_ID_CLAIM; pick another name"#,
            #"authd.yaml:5:3: SIMPLE_JWT.TOKEN_TYPE_CLAIM: "exp" is a registered JWT claim that authd sets itself; pick another name"#,
            #"authd.yaml:7:5: listen[0].tcp: expected HOST:PORT such as "127.0.0.1:8000" or "[::1]:8000", got "127.0.0.1""#,
            "authd.yaml:9:3: store.sqlite: expected a database file path; an in-memory store would lose every token on restart",
            "authd.yaml:12:3: passwords.iterations: iterations does not apply to the scrypt hasher; remove it",
            "authd.yaml:13:3: passwords.work_factor: 1000 is not a power of two; use 16384 (2^14) or another power of two",
            "authd.yaml:15:3: security.max_body_bytes: 10 is out of range; expected 1024 to 67108864",
            #"authd.yaml:17:3: cookies.same_site: unknown value "lax"; did you mean "Lax"? (expected one of "Strict", "Lax", "None")"#,
            #"authd.yaml:18:16: forward_auth.check_user: expected true or false, got "maybe""#,
            #"authd.yaml:21:5: claims[1]: missing "provider", such as "provider: claims.static""#,
            #"authd.yaml:22:5: claims[2]: expected a mapping such as "provider: claims.static", got a list"#,
        ])
    }
}
