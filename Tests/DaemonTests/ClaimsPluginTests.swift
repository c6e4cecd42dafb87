import Foundation
import TestSupport
import XCTest

/// Issue 6 end to end: claim providers configured in the settings file, through the real daemon and CLI.
final class ClaimsPluginTests: XCTestCase {
    private var daemon: DaemonFixture!
    private var hooks: TemporaryDirectory!

    override func setUpWithError() throws {
        hooks = try TemporaryDirectory(prefix: "authd-hooks")
    }

    override func tearDown() {
        daemon = nil
        hooks = nil
    }

    private func hook(_ name: String, _ body: String) throws -> String {
        try hooks.shellScript(name, body)
    }

    private func start(_ claimsYAML: String, rotate: Bool = true) throws {
        daemon = try DaemonFixture(.init(simpleJWT: [
            "ROTATE_REFRESH_TOKENS": rotate ? "true" : "false", "BLACKLIST_AFTER_ROTATION": "true",
        ], extraYAML: claimsYAML))
        try daemon.addUser("alice", password: "pw", extra: ["--email", "alice@example.com", "--staff"])
    }

    private func obtain(_ client: RawHTTPClient) throws -> RawHTTPClient.Response {
        try client.post("/api/token/", json: #"{"username":"alice","password":"pw"}"#)
    }

    private func claims(_ response: RawHTTPClient.Response, _ key: String) throws -> [String: Any] {
        try JWTParts(try XCTUnwrap(response.json[key] as? String, response.text)).claims
    }

    private func refresh(_ client: RawHTTPClient, _ token: String) throws -> RawHTTPClient.Response {
        try client.post("/api/token/refresh/", json: try jsonString(["refresh": token]))
    }

    func testStaticAndCommandClaimsReachObtainedAndRefreshedTokens() throws {
        let path = try hook("role.sh", #"cat > /dev/null; echo '{"role":"admin","perms":["a","b"]}'"#)
        try start("""
            claims:
              - provider: claims.static
                claims: {tenant: acme, tier: 2}
              - provider: claims.command
                command: [\(path)]
                timeout: 5s
            """)
        let client = try daemon.tcp()
        let pair = try obtain(client)
        XCTAssertEqual(pair.status, 200, pair.text)
        for token in ["refresh", "access"] {
            let claims = try claims(pair, token)
            XCTAssertEqual(claims["tenant"] as? String, "acme", token)
            XCTAssertEqual(claims["tier"] as? Int, 2, token)
            XCTAssertEqual(claims["role"] as? String, "admin", token)
            XCTAssertEqual(claims["perms"] as? [String], ["a", "b"], token)
            XCTAssertEqual(claims["user_id"] as? String, "1", token)
        }
        // Refresh with rotation: the new access and the new refresh token carry them too, and so on down the chain.
        var current = try XCTUnwrap(pair.json["refresh"] as? String)
        for _ in 0..<2 {
            let refreshed = try refresh(client, current)
            XCTAssertEqual(refreshed.status, 200, refreshed.text)
            for token in ["access", "refresh"] {
                XCTAssertEqual(try claims(refreshed, token)["tenant"] as? String, "acme")
                XCTAssertEqual(try claims(refreshed, token)["role"] as? String, "admin")
            }
            current = try XCTUnwrap(refreshed.json["refresh"] as? String)
        }
    }

    func testWithoutRotationTheRefreshedAccessTokenCopiesTheClaims() throws {
        try start("claims:\n  - provider: claims.static\n    claims: {tenant: acme}\n", rotate: false)
        let client = try daemon.tcp()
        let pair = try obtain(client)
        let refreshed = try refresh(client, try XCTUnwrap(pair.json["refresh"] as? String))
        XCTAssertEqual(refreshed.status, 200, refreshed.text)
        XCTAssertNil(refreshed.json["refresh"])
        XCTAssertEqual(try claims(refreshed, "access")["tenant"] as? String, "acme")
    }

    func testUserFieldsAndGroupsFromTheStore() throws {
        try start("""
            claims:
              - provider: claims.user_fields
                fields: {username: name, email: email, is_staff: staff}
              - provider: claims.groups
                claim: roles
            """)
        XCTAssertEqual(daemon.cli(["group", "add", "web"]).status, 0)
        XCTAssertEqual(daemon.cli(["group", "add", "db"]).status, 0)
        XCTAssertEqual(daemon.cli(["user", "groups", "alice", "--add", "web"]).stdout, "web\n")
        XCTAssertEqual(daemon.cli(["user", "groups", "alice", "--add", "db"]).stdout, "db\nweb\n")
        let client = try daemon.tcp()
        let access = try claims(try obtain(client), "access")
        XCTAssertEqual(access["name"] as? String, "alice")
        XCTAssertEqual(access["email"] as? String, "alice@example.com")
        XCTAssertEqual(access["staff"] as? Bool, true)
        XCTAssertEqual(access["roles"] as? [String], ["db", "web"])
    }

    func testGroupAndUserGroupsCommands() throws {
        try start("")
        XCTAssertEqual(daemon.cli(["group", "add", "web"]).stdout, "group web added\n")
        let duplicate = daemon.cli(["group", "add", "web"])
        XCTAssertEqual(duplicate.status, 1)
        XCTAssertTrue(duplicate.stderr.contains("already exists"), duplicate.stderr)
        XCTAssertEqual(daemon.cli(["user", "groups", "alice", "--add", "web"]).status, 0)
        XCTAssertTrue(daemon.cli(["group", "list"]).stdout.contains("web   1"), daemon.cli(["group", "list"]).stdout)
        let unknown = daemon.cli(["user", "groups", "alice", "--add", "nope"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no group named nope"), unknown.stderr)
        XCTAssertEqual(daemon.cli(["user", "groups", "alice", "--remove", "web"]).stdout, "\n")
        XCTAssertEqual(daemon.cli(["group", "delete", "web"]).status, 0)
        XCTAssertEqual(daemon.cli(["group", "delete", "web"]).status, 1)
        XCTAssertEqual(daemon.cli(["group"]).status, 64)
    }

    func testReevaluationAtRefreshBringsChangedGroupsIntoNewTokens() throws {
        try start("""
            claims:
              providers:
                - provider: claims.groups
              reevaluate_on_refresh: true
            """)
        XCTAssertEqual(daemon.cli(["group", "add", "web"]).status, 0)
        XCTAssertEqual(daemon.cli(["group", "add", "admin"]).status, 0)
        XCTAssertEqual(daemon.cli(["user", "groups", "alice", "--add", "web"]).status, 0)
        let client = try daemon.tcp()
        let pair = try obtain(client)
        XCTAssertEqual(try claims(pair, "access")["groups"] as? [String], ["web"])
        XCTAssertEqual(daemon.cli(["user", "groups", "alice", "--add", "admin", "--remove", "web"]).status, 0)
        let refreshed = try refresh(client, try XCTUnwrap(pair.json["refresh"] as? String))
        XCTAssertEqual(refreshed.status, 200, refreshed.text)
        XCTAssertEqual(try claims(refreshed, "access")["groups"] as? [String], ["admin"])
        XCTAssertEqual(try claims(refreshed, "refresh")["groups"] as? [String], ["admin"])
        XCTAssertEqual(try claims(refreshed, "refresh")["user_id"] as? String, "1")
    }

    func testAFailingCommandGives503WithFailAndATokenWithoutItsClaimsWithSkip() throws {
        let path = try hook("broken.sh", "echo 'directory unreachable' >&2; exit 2")
        try start("""
            claims:
              - provider: claims.static
                claims: {tenant: acme}
              - provider: claims.command
                command: [\(path)]
            """)
        let refused = try obtain(try daemon.tcp())
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.header("Content-Type"), "application/json")
        XCTAssertNotNil(refused.json["detail"] as? String, refused.text)
        XCTAssertFalse(refused.text.contains("directory unreachable"), "the reason goes to the log, not the client")
        XCTAssertTrue(daemon.waitForLog("exited with status 2; stderr: directory unreachable; token refused (on_error: fail)"), daemon.log)

        daemon = nil
        try start("""
            claims:
              - provider: claims.static
                claims: {tenant: acme}
              - provider: claims.command
                command: [\(path)]
                on_error: skip
            """)
        let issued = try obtain(try daemon.tcp())
        XCTAssertEqual(issued.status, 200, issued.text)
        let access = try claims(issued, "access")
        XCTAssertEqual(access["tenant"] as? String, "acme")
        XCTAssertTrue(daemon.waitForLog("token issued without these claims (on_error: skip)"), daemon.log)
    }

    func testACommandTimeoutGives503() throws {
        let path = try hook("slow.sh", "exec sleep 30")
        try start("claims:\n  - provider: claims.command\n    command: [\(path)]\n    timeout: 200ms\n")
        let response = try obtain(try daemon.tcp())
        XCTAssertEqual(response.status, 503, response.text)
        XCTAssertTrue(daemon.waitForLog("did not finish within 200ms (timeout); it was killed"), daemon.log)
    }

    func testInvalidCommandOutputGives503() throws {
        let path = try hook("garbage.sh", "echo '[\"not\", \"an object\"]'")
        try start("claims:\n  - provider: claims.command\n    command: [\(path)]\n")
        XCTAssertEqual(try obtain(try daemon.tcp()).status, 503)
        XCTAssertTrue(daemon.waitForLog("printed JSON that is not an object"), daemon.log)
    }

    func testReservedClaimsFromACommandAreDroppedAndLogged() throws {
        let path = try hook("sneaky.sh", #"echo '{"user_id":"999","exp":1,"token_type":"access","role":"admin"}'"#)
        try start("claims:\n  - provider: claims.command\n    command: [\(path)]\n")
        let pair = try obtain(try daemon.tcp())
        XCTAssertEqual(pair.status, 200, pair.text)
        let refresh = try claims(pair, "refresh")
        XCTAssertEqual(refresh["user_id"] as? String, "1")
        XCTAssertEqual(refresh["token_type"] as? String, "refresh")
        XCTAssertGreaterThan(refresh["exp"] as? Int ?? 0, 1)
        XCTAssertEqual(refresh["role"] as? String, "admin")
        XCTAssertTrue(daemon.waitForLog(#"dropped the claim "user_id" for user 1: authd sets it itself"#), daemon.log)
    }

    // MARK: CLI

    func testPluginsListsTheFourBuiltIns() throws {
        let result = DaemonFixture.run(["plugins"])
        XCTAssertEqual(result.status, 0)
        let ids = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        XCTAssertEqual(ids, ["claims.static", "claims.user_fields", "claims.groups", "claims.command"])
    }

    func testCheckConfigRefusesAnUnknownProviderAndAStaticReservedClaim() throws {
        daemon = try DaemonFixture(.init(extraYAML: """
            claims:
              - provider: claims.statik
              - provider: claims.static
                claims: {tenant: acme, jti: x}
              - provider: claims.command
                command: [/bin/true]
                timeout: soon
            """, startServer: false))
        let result = daemon.cli(["check-config"])
        XCTAssertEqual(result.status, 1)
        let file = daemon.configPath
        // Line numbers counted from the `claims:` line, so the fixture's own settings may grow.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let base = try XCTUnwrap(text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex(of: "claims:")) + 1
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.dropFirst()), [
            #"\#(file):\#(base + 1):15: claims[0]: provider: unknown provider "claims.statik"; did you mean "claims.static"? (known providers: claims.static, claims.user_fields, claims.groups, claims.command)"#,
            #"\#(file):\#(base + 3):28: claims[1] (claims.static): claims.jti: "jti" is a claim authd sets itself; a provider cannot set it"#,
            #"\#(file):\#(base + 6):5: claims[2] (claims.command): timeout: expected a duration such as "500ms" or "2s", got "soon""#,
        ], result.stderr)
        // serve refuses the same file the same way.
        let serve = daemon.cli(["serve"])
        XCTAssertEqual(serve.status, 1)
        XCTAssertTrue(serve.stderr.contains("unknown provider \"claims.statik\""), serve.stderr)
    }

    func testCheckConfigBuildsAndValidatesProviders() throws {
        let path = try hook("ok.sh", "echo '{}'")
        daemon = try DaemonFixture(.init(extraYAML: """
            claims:
              - provider: claims.command
                command: [\(path)]
              - provider: claims.command
                command: [\(hooks.file("missing"))]
            """, startServer: false))
        let refused = daemon.cli(["check-config"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("claims[1] (claims.command): command: cannot use \(hooks.file("missing")): No such file or directory"),
                      refused.stderr)
        try FileManager.default.copyItem(atPath: path, toPath: hooks.file("missing"))
        let accepted = daemon.cli(["check-config"])
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        XCTAssertTrue(accepted.stdout.contains("2 claim provider(s)"), accepted.stdout)
    }
}
