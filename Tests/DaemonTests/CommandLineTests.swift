import Foundation
import TestSupport
import XCTest

/// The `authd` command line as an operator uses it: exit codes 0 / 1 / 64, messages, files and modes.
final class CommandLineTests: XCTestCase {
    static let algorithms = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                             "ES256", "ES384", "ES512", "EdDSA"]

    /// For every algorithm: PyJWT signs with a key from `authd keys generate`; `authd token inspect` accepts the
    /// token and refuses the same token with one claim changed.
    func testTokenInspectAcceptsPyJWTTokensForEveryAlgorithm() throws {
        try Python.requirePyJWT()
        for algorithm in Self.algorithms {
            let fixture = try DaemonFixture(.init(algorithm: algorithm, startServer: false))
            let script = """
                import jwt, sys, time, json, base64
                alg, path = sys.argv[1], sys.argv[2]
                key = open(path).read()
                if alg.startswith("HS"):
                    key = key[:-1] if key.endswith("\\n") else key
                claims = {"token_type": "access", "exp": int(time.time()) + 600, "iat": int(time.time()),
                          "jti": "0123456789abcdef0123456789abcdef", "user_id": "7"}
                token = jwt.encode(claims, key, algorithm=alg)
                header, payload, signature = token.split(".")
                claims["user_id"] = "8"
                forged = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).rstrip(b"=").decode()
                print(token)
                print(".".join([header, forged, signature]))
                """
            let result = try Python.run(script: "import sys; sys.argv = ['x', '\(algorithm)', '\(fixture.keyPath)']\n" + script)
            XCTAssertEqual(result.status, 0, "\(algorithm): \(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            guard lines.count == 2 else { XCTFail("\(algorithm): \(result.stdout)"); continue }

            let good = fixture.cli(["token", "inspect", lines[0]])
            XCTAssertEqual(good.status, 0, "\(algorithm): \(good.stderr)")
            XCTAssertTrue(good.stdout.contains(#""user_id":"7""#), good.stdout)
            XCTAssertTrue(good.stdout.contains(#""alg":"\#(algorithm)""#), good.stdout)

            let forged = fixture.cli(["token", "inspect", lines[1]])
            XCTAssertEqual(forged.status, 1, "\(algorithm): a changed claim must not verify")
            XCTAssertTrue(forged.stderr.contains("does NOT verify"), forged.stderr)
        }
    }

    func testKeysGenerateModesAndRefusalToOverwrite() throws {
        let dir = try TemporaryDirectory(prefix: "authd-keys")
        let out = dir.file("es.key")
        let first = DaemonFixture.run(["keys", "generate", "--algorithm", "ES256", "--out", out])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try mode(out), 0o600)
        XCTAssertTrue(try String(contentsOfFile: out + ".pub", encoding: .utf8).contains("BEGIN PUBLIC KEY"))
        let again = DaemonFixture.run(["keys", "generate", "--algorithm", "ES256", "--out", out])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        XCTAssertEqual(DaemonFixture.run(["keys", "generate", "--algorithm", "ES256", "--out", out, "--force"]).status, 0)
        let badAlgorithm = DaemonFixture.run(["keys", "generate", "--algorithm", "none", "--out", out])
        XCTAssertEqual(badAlgorithm.status, 64)
        XCTAssertTrue(badAlgorithm.stderr.contains("unknown algorithm \"none\""), badAlgorithm.stderr)
    }

    func testCheckConfigAcceptsValidAndListsEveryError() throws {
        let fixture = try DaemonFixture(.init(startServer: false))
        let ok = fixture.cli(["check-config"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("OK"), ok.stdout)

        let broken = fixture.directory + "/broken.yaml"
        try """
            SIMPLE_JWT:
              ACCESS_TOKEN_LIFETIM: 5m
              REFRESH_TOKEN_LIFETIME: soon
              ALGORITHM: none
              SIGNING_KEY_FILE: \(fixture.keyPath)
            listen:
              - tcp: 127.0.0.1:70000

            """.write(toFile: broken, atomically: true, encoding: .utf8)
        let result = DaemonFixture.run(["check-config", "--config", broken])
        XCTAssertEqual(result.status, 1)
        for expected in ["broken.yaml:2:3: SIMPLE_JWT.ACCESS_TOKEN_LIFETIM: unknown key", "did you mean \"ACCESS_TOKEN_LIFETIME\"",
                         "broken.yaml:3:3: SIMPLE_JWT.REFRESH_TOKEN_LIFETIME:", "broken.yaml:4:3: SIMPLE_JWT.ALGORITHM:",
                         "broken.yaml:7:"] {
            XCTAssertTrue(result.stderr.contains(expected), "missing \(expected) in:\n\(result.stderr)")
        }

        chmod(fixture.keyPath, 0o644)
        let readable = fixture.cli(["check-config"])
        XCTAssertEqual(readable.status, 1)
        XCTAssertTrue(readable.stderr.contains("chmod 600"), readable.stderr)
    }

    /// Every error, even a hundred and more: check-config writes far more to standard error than a pipe holds (64 KiB),
    /// which also keeps DaemonFixture.run honest (reading stdout to its end before stderr would deadlock here).
    func testCheckConfigListsOverAHundredErrors() throws {
        let fixture = try DaemonFixture(.init(startServer: false))
        let keys = (0..<120).map { "UNKNOWN_SETTING_\($0)" }
        let config = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            .replacingOccurrences(of: "SIMPLE_JWT:\n", with: "SIMPLE_JWT:\n" + keys.map { "  \($0): 1\n" }.joined())
        try config.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        let result = fixture.cli(["check-config"])
        XCTAssertEqual(result.status, 1)
        XCTAssertGreaterThan(result.stderr.utf8.count, 64 << 10)
        let named = result.stderr.split(separator: "\n").filter { $0.contains(": unknown key \"UNKNOWN_SETTING_") }
        XCTAssertEqual(named.count, keys.count, String(result.stderr.prefix(2000)))
    }

    func testUsageErrorsExit64AndVersion() {
        XCTAssertEqual(DaemonFixture.run([]).status, 64)
        XCTAssertEqual(DaemonFixture.run(["frobnicate"]).status, 64)
        XCTAssertEqual(DaemonFixture.run(["user", "add"]).status, 64)
        XCTAssertEqual(DaemonFixture.run(["check-config", "--nope"]).status, 64)
        XCTAssertEqual(DaemonFixture.run(["user", "add", "bob", "--password", "secret"]).status, 64,
                       "a password on argv is refused")
        let help = DaemonFixture.run(["bench", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--connections"), help.stdout)
        XCTAssertEqual(DaemonFixture.run(["serve", "--help"]).status, 0, "--help never starts anything")
        let version = DaemonFixture.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.hasPrefix("authd "), version.stdout)
        let missingConfig = DaemonFixture.run(["check-config", "--config", "/nonexistent/authd.yaml"])
        XCTAssertEqual(missingConfig.status, 1)
    }

    func testUserAdministration() throws {
        let fixture = try DaemonFixture(.init(startServer: false))
        try fixture.addUser("carol", password: "first", extra: ["--email", "carol@example.com", "--staff"])
        let duplicate = fixture.cli(["user", "add", "carol", "--password-stdin"], stdin: "x\n")
        XCTAssertEqual(duplicate.status, 1)
        let noTTY = fixture.cli(["user", "add", "dave"], stdin: "")
        XCTAssertEqual(noTTY.status, 64, "without a terminal the password must come with --password-stdin")
        XCTAssertTrue(noTTY.stderr.contains("--password-stdin"), noTTY.stderr)
        XCTAssertEqual(fixture.cli(["user", "passwd", "carol", "--password-stdin"], stdin: "second\n").status, 0)
        XCTAssertEqual(fixture.cli(["user", "passwd", "nobody", "--password-stdin"], stdin: "x\n").status, 1)
        XCTAssertEqual(fixture.cli(["user", "deactivate", "carol"]).status, 0)
        let list = fixture.cli(["user", "list"])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.contains("carol@example.com"), list.stdout)
        let carol = list.stdout.split(separator: "\n").first { $0.contains("carol") }.map(String.init) ?? ""
        XCTAssertTrue(carol.range(of: #"carol\s+no\s+yes\s+no"#, options: .regularExpression) != nil, carol)
        XCTAssertEqual(fixture.cli(["user", "delete", "carol"]).status, 0)
        XCTAssertEqual(fixture.cli(["user", "delete", "carol"]).status, 1)
        let flush = fixture.cli(["flush-expired"])
        XCTAssertEqual(flush.status, 0, flush.stderr)
    }

    /// The new password works at the daemon, the old one does not; the CLI writes while the daemon runs.
    func testPasswordChangeWhileServing() throws {
        let fixture = try DaemonFixture()
        try fixture.addUser("erin", password: "old password")
        XCTAssertEqual(fixture.cli(["user", "passwd", "erin", "--password-stdin"], stdin: "new password\n").status, 0)
        let client = try fixture.tcp()
        XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"erin","password":"old password"}"#).status, 401)
        XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"erin","password":"new password"}"#).status, 200)
    }

    private func mode(_ path: String) throws -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ClientError("stat \(path) failed") }
        return info.st_mode & 0o777
    }
}
