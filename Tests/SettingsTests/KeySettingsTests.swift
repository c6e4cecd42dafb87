import Foundation
import Settings
import XCTest

/// The `keys:` section: verify-only keys with their own algorithm and id, strict like every section.
final class KeySettingsTests: SettingsTestCase {
    private func settings(_ keys: String) throws -> String {
        let signing = try tmp.write("signing.key", hmacSecret, mode: 0o600)
        return "SIMPLE_JWT:\n  SIGNING_KEY_FILE: \(signing)\nkeys:\n" + keys
    }

    func testVerifyingKeysTakeTheirOwnAlgorithmAndId() throws {
        let old = try tmp.write("old.secret", hmacSecret + "-old\n", mode: 0o600)
        let pub = try tmp.write("rsa.pub", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n", mode: 0o644)
        let parsed = try parse(try settings("""
              signing_key_id: hs-2
              verifying:
                - file: \(old)
                  id: hs-1
                - file: \(pub)
                  algorithm: RS256
              jwks_max_age: 90s
            """))
        XCTAssertEqual(parsed.keys.signingKeyID, "hs-2")
        XCTAssertEqual(parsed.keys.verifying.map(\.algorithm), [.HS256, .RS256], "the default is SIMPLE_JWT.ALGORITHM")
        XCTAssertEqual(parsed.keys.verifying.map(\.keyID), ["hs-1", nil])
        XCTAssertEqual(parsed.keys.verifying[0].material.bytes, Array((hmacSecret + "-old").utf8), "one newline dropped")
        XCTAssertEqual(parsed.keys.jwksMaxAge, .seconds(90))
    }

    func testMistakesPointAtTheEntry() throws {
        let open = try tmp.write("open.secret", hmacSecret, mode: 0o644)
        assertMessages(errors(try settings("""
              verifying:
                - file: \(open)
                - algorithm: RS257
                  file: x
                - id: "has space"
                  file: x
                - {}
              signing_kid: x
            """)), [
            "authd.yaml:5:7: keys.verifying[0].file: \(open) is readable by other users; run chmod 600 \(open)",
            #"authd.yaml:6:7: keys.verifying[1].algorithm: unknown value "RS257"; did you mean "RS256"? (expected one of "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")"#,
            "authd.yaml:8:7: keys.verifying[2].id: a key id is 1 to 128 printable ASCII characters without spaces, quotes or backslashes",
            "authd.yaml:10:7: keys.verifying[3]: a verifying key needs file: PATH (a PEM public key, or an HS* secret)",
            #"authd.yaml:11:3: keys.signing_kid: unknown key "signing_kid"; known keys: signing_key_id, verifying, jwks_max_age"#,
        ])
    }
}
