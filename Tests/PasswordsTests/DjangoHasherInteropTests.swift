import Foundation
import Passwords
import TestSupport
import XCTest

/// Django's Argon2, BCrypt and MD5 hashers, against real Django 5.2 (with argon2-cffi and bcrypt): hashes Django makes verify here
/// as they are, and the argon2 and bcrypt_sha256 hashes authd makes verify in Django.
final class DjangoHasherInteropTests: XCTestCase {
    private static let hashers = [
        "argon2": "Argon2PasswordHasher", "bcrypt_sha256": "BCryptSHA256PasswordHasher", "bcrypt": "BCryptPasswordHasher",
        "md5": "MD5PasswordHasher",
    ]   // PBKDF2 and scrypt: DjangoVectorTests (known answers; Django's default costs take seconds here)

    private static let setup = """
        import json, sys
        import django
        from django.conf import settings
        settings.configure(PASSWORD_HASHERS=[
            'django.contrib.auth.hashers.' + name for name in sys.argv[1].split(',')])
        django.setup()
        from django.contrib.auth.hashers import make_password, check_password

        """

    private func django(_ script: String, input: Any) throws -> Any {
        try Python.require(modules: ["django", "argon2", "bcrypt"], pipPackages: ["django", "argon2-cffi", "bcrypt"])
        let names = Self.hashers.values.sorted().joined(separator: ",")
        let data = try JSONSerialization.data(withJSONObject: input)
        let out = try TestProcess.run(Python.executable, ["-c", Self.setup + script, names], stdin: [UInt8](data))
        guard out.status == 0 else { throw DjangoFailed(description: "Django failed: \(out.stderrText)") }
        return try JSONSerialization.jsonObject(with: Data(out.stdout))
    }

    func testHashesMadeByDjangoVerifyAsTheyAre() throws {
        let passwords = ["pässword", " spaced "]
        let made = try XCTUnwrap(try django("""
            from django.contrib.auth.hashers import get_hasher
            out = {}
            for algorithm in json.load(sys.stdin):
                out[algorithm] = [make_password(p, hasher=algorithm) for p in %s]
            print(json.dumps(out))
            """.replacingOccurrences(of: "%s", with: "\(passwords)"), input: Array(Self.hashers.keys)) as? [String: [String]])
        let hasher = try PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1000)
        for (algorithm, hashes) in made {
            XCTAssertEqual(hashes.count, passwords.count)
            for (password, hash) in zip(passwords, hashes) {
                XCTAssertTrue(hash.hasPrefix(algorithm + "$"), hash)
                guard case .valid(let rehash) = hasher.verify(Array(password.utf8), against: hash) else {
                    XCTFail("\(algorithm): Django's hash of \(password.debugDescription) did not verify: \(hash)")
                    continue
                }
                XCTAssertTrue(rehash, "\(algorithm) is not the configured hasher, so it is upgraded at the next login")
                if password == passwords[0] {
                    XCTAssertEqual(hasher.verify(Array((password + "x").utf8), against: hash), .invalid, algorithm)
                }
            }
        }
    }

    func testHashesMadeByAuthdVerifyInDjango() throws {
        var produced: [[String]] = []
        for algorithm in [PasswordAlgorithm.argon2, .bcrypt_sha256, .bcrypt] {
            let hasher = try PasswordHasher(algorithm: algorithm)
            let hash = try hasher.encode(Array("pässword".utf8))
            XCTAssertEqual(hasher.verify(Array("pässword".utf8), against: hash), .valid(needsRehash: false), algorithm.rawValue)
            produced.append([hash, "pässword"])
        }
        let verdicts = try XCTUnwrap(try django("""
            from django.contrib.auth.hashers import identify_hasher
            print(json.dumps([[check_password(p, h), identify_hasher(h).must_update(h)] for h, p in json.load(sys.stdin)]))
            """, input: produced) as? [[Bool]])
        XCTAssertEqual(verdicts, [[true, false], [true, false], [true, false]],
                       "Django accepts authd's hashes and finds its default parameters in them: \(produced.map { $0[0] })")
    }

    func testMD5IsNeverProduced() {
        XCTAssertThrowsError(try PasswordHasher(algorithm: .md5))
        XCTAssertFalse(PasswordAlgorithm.producible.contains(.md5))
    }

    func testPlantedCostlyHashesAreRefusedWithoutPayingForThem() throws {
        let hasher = try PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1000)
        XCTAssertEqual(hasher.verify(Array("x".utf8), against: "argon2$argon2id$v=19$m=4194304,t=2,p=8$c29tZXNhbHQ$aGFzaA"), .invalid)
        XCTAssertEqual(hasher.verify(Array("x".utf8), against: "bcrypt$$2b$31$" + String(repeating: "a", count: 53)), .invalid)
        XCTAssertEqual(hasher.verify(Array("x".utf8), against: "bcrypt$$2b$12$short"), .invalid)
        XCTAssertEqual(hasher.verify(Array("x".utf8), against: "md5$salt$nothex"), .invalid)
        // Found by the password-hash fuzzer: N·r·p overflows Int (the harness crashed; authd must refuse it).
        XCTAssertEqual(hasher.verify(Array("x".utf8), against: "scrypt$4$1$6111166$611116666166$2"), .invalid)
    }
}

private struct DjangoFailed: Error, CustomStringConvertible {
    let description: String
}
