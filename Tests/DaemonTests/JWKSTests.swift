import Foundation
import TestSupport
import XCTest

/// `/.well-known/jwks.json` as resource servers use it: PyJWT's `PyJWKClient` fetches it over real HTTP and
/// verifies authd's tokens, before and after a key rotation.
final class JWKSTests: XCTestCase {
    static let client = #"""
import json, sys, jwt
url, tokens = sys.argv[1], json.load(sys.stdin)
client = jwt.PyJWKClient(url)
out = []
for token in tokens:
    try:
        key = client.get_signing_key_from_jwt(token)
        claims = jwt.decode(token, key, algorithms=[key.algorithm_name])
        out.append({"kid": key.key_id, "user_id": claims["user_id"]})
    except jwt.PyJWTError as e:
        out.append({"error": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
"""#

    /// Runs `PyJWKClient` against the daemon's JWKS for each token; answers one result per token.
    private func pyJWKClient(_ daemon: DaemonFixture, _ tokens: [String]) throws -> [[String: String]] {
        let url = "http://127.0.0.1:\(daemon.port)/.well-known/jwks.json"
        let script = "import sys; sys.argv = ['client', '\(url)']\n" + Self.client
        let result = try Python.run(script: script, stdin: Array(try JSONSerialization.data(withJSONObject: tokens)))
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]],
                             result.stdout + result.stderr)
    }

    private func obtainAccess(_ daemon: DaemonFixture) throws -> String {
        let response = try daemon.tcp().request("POST", "/api/token/", body: #"{"username":"alice","password":"pw"}"#)
        XCTAssertEqual(response.status, 200, response.text)
        return try XCTUnwrap(response.json["access"] as? String)
    }

    func testPyJWKClientVerifiesTokensBeforeAndAfterARotation() throws {
        try Python.requirePyJWT()
        let daemon = try DaemonFixture(.init(algorithm: "RS256"))
        try daemon.addUser("alice", password: "pw")
        let before = try obtainAccess(daemon)

        let jwks = try daemon.tcp().request("GET", "/.well-known/jwks.json")
        XCTAssertEqual(jwks.status, 200)
        XCTAssertEqual(jwks.header("Cache-Control"), "public, max-age=300")
        let keys = try XCTUnwrap(jwks.json["keys"] as? [[String: Any]])
        XCTAssertEqual(keys.count, 1)
        XCTAssertEqual(keys[0]["alg"] as? String, "RS256")
        XCTAssertEqual(keys[0]["use"] as? String, "sig")
        XCTAssertNil(keys[0]["d"], "never a private member")
        let oldKid = try XCTUnwrap(keys[0]["kid"] as? String)
        XCTAssertEqual(try pyJWKClient(daemon, [before]), [["kid": oldKid, "user_id": "1"]])

        // Rotate with `authd keys rotate`: the next key, verify-only first, then signing; the old one stays listed.
        let rotate = daemon.cli(["keys", "rotate", "--out", daemon.directory + "/next.key"])
        XCTAssertEqual(rotate.status, 0, rotate.stderr)
        XCTAssertTrue(rotate.stdout.contains("verifying:"), rotate.stdout)
        let next = daemon.directory + "/next.key"
        try daemon.editSettings(replacing: "SIGNING_KEY_FILE: \(daemon.keyPath)", with: "SIGNING_KEY_FILE: \(next)",
                                append: "keys:\n  signing_key_id: rsa-2\n  verifying:\n    - file: \(daemon.keyPath).pub\n      id: \(oldKid)\n  jwks_max_age: 1m\n")
        try daemon.reload()
        let after = try obtainAccess(daemon)
        XCTAssertEqual(try JWTParts(after).header["kid"] as? String, "rsa-2")
        XCTAssertEqual(try pyJWKClient(daemon, [after, before]),
                       [["kid": "rsa-2", "user_id": "1"], ["kid": oldKid, "user_id": "1"]])
        XCTAssertEqual(try daemon.tcp().request("GET", "/.well-known/jwks.json").header("Cache-Control"), "public, max-age=60")

        // Retire the old key: PyJWKClient no longer finds it.
        try daemon.editSettings(replacing: "    - file: \(daemon.keyPath).pub\n      id: \(oldKid)\n", with: "")
        try daemon.reload()
        let retired = try pyJWKClient(daemon, [before, after])
        XCTAssertTrue(retired[0]["error"]?.contains("PyJWKClientError") ?? false, "\(retired)")
        XCTAssertEqual(retired[1], ["kid": "rsa-2", "user_id": "1"])
    }

    func testHMACSecretsAreNeverPublished() throws {
        let daemon = try DaemonFixture()
        let response = try daemon.tcp().request("GET", "/.well-known/jwks.json")
        XCTAssertEqual(response.status, 404, response.text)
        XCTAssertFalse(try String(contentsOfFile: daemon.keyPath, encoding: .utf8).isEmpty)
    }
}
