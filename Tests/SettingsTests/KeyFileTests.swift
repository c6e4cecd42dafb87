import Foundation
import Settings
import XCTest

/// Key files are real files with real permission bits, made in a temporary directory.
final class KeyFileTests: SettingsTestCase {
    private func settings(keyFile: String, algorithm: String = "HS256") -> String {
        """
        SIMPLE_JWT:
          ALGORITHM: \(algorithm)
          SIGNING_KEY_FILE: \(keyFile)
        """
    }

    func testWorldReadableKeyIsRefused() throws {
        let key = try tmp.write("open.key", hmacSecret, mode: 0o644)
        assertMessages(errors(settings(keyFile: key)), [
            "authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: \(key) is readable by other users; run chmod 600 \(key)",
        ])
    }

    func testWorldWritableKeyIsRefused() throws {
        let key = try tmp.write("w.key", hmacSecret, mode: 0o602)
        assertMessages(errors(settings(keyFile: key)), [
            "authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: \(key) is writable by other users; run chmod 600 \(key)",
        ])
    }

    func testGroupWritableKeyIsRefused() throws {
        let key = try tmp.write("g.key", hmacSecret, mode: 0o660)
        assertMessages(errors(settings(keyFile: key)), [
            "authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: \(key) is writable by its group; run chmod 600 \(key)",
        ])
    }

    func testGroupReadableKeyIsAllowedForTheAuthdGroup() throws {
        let key = try tmp.write("g.key", hmacSecret, mode: 0o640)
        XCTAssertEqual(try parse(settings(keyFile: key)).simpleJWT.signingKey.bytes, Array(hmacSecret.utf8))
    }

    func testWorldReadablePublicKeyIsFine() throws {
        let settings = try parse("""
            SIMPLE_JWT:
              ALGORITHM: ES256
              SIGNING_KEY_FILE: \(tmp.path)/rsa.pem
              VERIFYING_KEY_FILE: \(tmp.path)/rsa.pub
            """)
        XCTAssertEqual(settings.simpleJWT.verifyingKey?.mark, SourceMark(file: "authd.yaml", line: 4, column: 3))
        XCTAssertEqual(settings.simpleJWT.verifyingKey.map { String(decoding: $0.bytes, as: UTF8.self) },
                       "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")
    }

    func testMissingDirectoryAndEmptyKeyFiles() throws {
        let missing = tmp.path + "/nope.key"
        try tmp.write("empty.key", "")
        try tmp.write("newline.key", "\n")
        XCTAssertEqual(mkdir(tmp.path + "/dir.key", 0o700), 0)
        assertMessages(errors(settings(keyFile: missing)), [
            "authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: cannot open \(missing): No such file or directory",
        ])
        assertMessages(errors(settings(keyFile: tmp.path + "/dir.key")), [
            "authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: \(tmp.path)/dir.key is not a regular file",
        ])
        for name in ["empty.key", "newline.key"] {
            let path = tmp.path + "/" + name
            assertMessages(errors(settings(keyFile: path)), [
                #"authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: \#(path) is empty; run "authd keys generate --algorithm HS256 --out \#(path)""#,
            ])
        }
    }

    func testFIFOIsRefusedWithoutBlocking() throws {
        let fifo = tmp.path + "/fifo.key"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        assertMessages(errors(settings(keyFile: fifo)), [
            "authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: \(fifo) is not a regular file",
        ])
    }

    func testOnlyOneTrailingNewlineIsStrippedAndOnlyForHMAC() throws {
        let crlf = try tmp.write("crlf.key", hmacSecret + "\r\n")
        XCTAssertEqual(try parse(settings(keyFile: crlf)).simpleJWT.signingKey.bytes, Array(hmacSecret.utf8))
        let two = try tmp.write("two.key", hmacSecret + "\n\n")
        XCTAssertEqual(try parse(settings(keyFile: two)).simpleJWT.signingKey.bytes, Array((hmacSecret + "\n").utf8))
        let pem = try tmp.write("ed.pem", "PEM\n")
        XCTAssertEqual(try parse(settings(keyFile: pem, algorithm: "EdDSA")).simpleJWT.signingKey.bytes, Array("PEM\n".utf8))
    }

    func testNoSigningKey() {
        assertMessages(errors("SIMPLE_JWT:\n  ALGORITHM: ES384\n"), [
            #"authd.yaml:1:1: SIMPLE_JWT: no signing key; run "authd keys generate --algorithm ES384 --out /var/lib/authd/signing.key" and set SIGNING_KEY_FILE: /var/lib/authd/signing.key"#,
        ])
    }

    func testBothInlineAndFileKeys() {
        assertMessages(errors("""
            SIMPLE_JWT:
              SIGNING_KEY: abc
              SIGNING_KEY_FILE: \(tmp.path)/hs.key
              ALGORITHM: RS256
              VERIFYING_KEY: abc
              VERIFYING_KEY_FILE: \(tmp.path)/rsa.pub
            """), [
            "authd.yaml:3:3: SIMPLE_JWT.SIGNING_KEY_FILE: set either SIGNING_KEY or SIGNING_KEY_FILE, not both; keep SIGNING_KEY_FILE",
            "authd.yaml:6:3: SIMPLE_JWT.VERIFYING_KEY_FILE: set either VERIFYING_KEY or VERIFYING_KEY_FILE, not both",
        ])
    }

    func testInlineKeyIsAllowedWithWarnings() throws {
        let settings = try parse("""
            SIMPLE_JWT:
              SIGNING_KEY: django-insecure-secret
              VERIFYING_KEY: ignored
            """)
        XCTAssertEqual(settings.simpleJWT.signingKey.bytes, Array("django-insecure-secret".utf8))
        XCTAssertNil(settings.simpleJWT.signingKey.path)
        XCTAssertNil(settings.simpleJWT.verifyingKey, "HMAC verifies with the signing key")
        XCTAssertEqual(settings.warnings, [
            "authd.yaml:2:3: SIMPLE_JWT.SIGNING_KEY: an inline signing key can be read by anyone who can read this file; move it to a file with mode 600 and set SIGNING_KEY_FILE",
            #"authd.yaml:2:3: SIMPLE_JWT.SIGNING_KEY: the HS256 key is 22 bytes; use at least 32 random bytes (run "authd keys generate --algorithm HS256 --out /var/lib/authd/signing.key" and set SIGNING_KEY_FILE: /var/lib/authd/signing.key)"#,
            "authd.yaml:3:3: SIMPLE_JWT.VERIFYING_KEY: ignored: HS256 verifies with the signing key",
        ])
        XCTAssertFalse(settings.simpleJWT.signingKey.description.contains("django-insecure"), "descriptions never show keys")
    }

    func testEmptyVerifyingKeyMeansUnsetAsInSimpleJWT() throws {
        let settings = try parse("""
            SIMPLE_JWT:
              ALGORITHM: PS512
              SIGNING_KEY_FILE: \(tmp.path)/rsa.pem
              VERIFYING_KEY: ""
            """)
        XCTAssertNil(settings.simpleJWT.verifyingKey)
    }

    /// Relative paths are anchored at the settings file, so the file works from any working directory.
    func testRelativeKeyPathIsResolvedAgainstTheSettingsFile() throws {
        let config = try tmp.write("authd.yaml", "SIMPLE_JWT:\n  SIGNING_KEY_FILE: hs.key\nstore:\n  sqlite: db/authd.sqlite3\n",
                                   mode: 0o644)
        let settings = try SettingsLoader.load(path: config).get()
        XCTAssertEqual(settings.simpleJWT.signingKey.path, tmp.path + "/hs.key")
        XCTAssertEqual(settings.simpleJWT.signingKey.mark, SourceMark(file: config, line: 2, column: 3))
        XCTAssertEqual(settings.store.sqlitePath, tmp.path + "/db/authd.sqlite3")
    }

    func testLoadReportsAMissingSettingsFile() {
        let path = tmp.path + "/missing.yaml"
        guard case .failure(let failure) = SettingsLoader.load(path: path) else { return XCTFail("loaded a missing file") }
        XCTAssertEqual(failure.errors.map(\.code), [.io])
        XCTAssertEqual(failure.description, "\(path): cannot load settings: cannot open \(path): No such file or directory")
    }

    func testLoadNamesTheFileAsGiven() throws {
        let config = try tmp.write("bad.yaml", "SIMPLE_JWT:\n  ALGORITHM: none\n  SIGNING_KEY_FILE: hs.key\n", mode: 0o644)
        guard case .failure(let failure) = SettingsLoader.load(path: config) else { return XCTFail("accepted none") }
        XCTAssertEqual(failure.description,
                       #"\#(config):2:3: SIMPLE_JWT.ALGORITHM: "none" is refused: unsigned tokens can be forged by anyone; use HS256 or another signing algorithm"#)
    }
}
