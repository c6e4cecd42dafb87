import XCTest
@testable import Passwords

final class PasswordHasherTests: XCTestCase {
    let password = Array("pässword".utf8)

    func testEncodeUsesAFreshDjangoSaltEachTime() throws {
        let hasher = try PasswordHasher(iterations: 1000)
        let first = try hasher.encode(password)
        let second = try hasher.encode(password)
        XCTAssertNotEqual(first, second)
        for encoded in [first, second] {
            let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
            XCTAssertEqual(parts.count, 4)
            XCTAssertEqual(parts[0], "pbkdf2_sha256")
            XCTAssertEqual(parts[1], "1000")
            XCTAssertEqual(parts[2].count, 22)
            XCTAssertTrue(parts[2].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, String(parts[2]))
            XCTAssertEqual(parts[3].count, 44, "base64 of 32 bytes")
            XCTAssertEqual(hasher.verify(password, against: encoded), .valid(needsRehash: false))
        }
    }

    func testDefaultsAreDjango61s() throws {
        let hasher = try PasswordHasher()
        XCTAssertEqual(hasher.algorithm, .pbkdf2_sha256)
        XCTAssertEqual(hasher.iterations, 1_500_000)
        XCTAssertEqual(hasher.scryptWorkFactor, 16384)
        XCTAssertEqual(hasher.scryptBlockSize, 8)
        XCTAssertEqual(hasher.scryptParallelism, 5)
    }

    func testScryptRoundTrip() throws {
        let hasher = try PasswordHasher(algorithm: .scrypt, scryptWorkFactor: 1024, scryptBlockSize: 8, scryptParallelism: 1)
        let encoded = try hasher.encode(password)
        XCTAssertTrue(encoded.hasPrefix("scrypt$1024$"), encoded)
        XCTAssertTrue(encoded.hasSuffix("$8$1$" + encoded.split(separator: "$").last!), encoded)
        XCTAssertEqual(hasher.verify(password, against: encoded), .valid(needsRehash: false))
        XCTAssertEqual(hasher.verify(Array("other".utf8), against: encoded), .invalid)
    }

    func testNeedsRehashFollowsDjangosMustUpdate() throws {
        let sha256At1000 = DjangoVectorTests.pbkdf2SHA256
        XCTAssertEqual(try PasswordHasher(iterations: 1000).verify(password, against: sha256At1000), .valid(needsRehash: false))
        XCTAssertEqual(try PasswordHasher(iterations: 2000).verify(password, against: sha256At1000), .valid(needsRehash: true))
        XCTAssertEqual(try PasswordHasher(iterations: 500).verify(password, against: sha256At1000), .valid(needsRehash: true))
        XCTAssertEqual(try PasswordHasher(algorithm: .pbkdf2_sha1, iterations: 1000).verify(password, against: sha256At1000),
                       .valid(needsRehash: true))
        let scryptSmall = DjangoVectorTests.scryptSmall
        let scrypt = { (n: Int, r: Int, p: Int) throws -> PasswordHasher in
            try PasswordHasher(algorithm: .scrypt, scryptWorkFactor: n, scryptBlockSize: r, scryptParallelism: p)
        }
        XCTAssertEqual(try scrypt(1024, 8, 1).verify(password, against: scryptSmall), .valid(needsRehash: false))
        XCTAssertEqual(try scrypt(2048, 8, 1).verify(password, against: scryptSmall), .valid(needsRehash: true))
        XCTAssertEqual(try scrypt(1024, 4, 1).verify(password, against: scryptSmall), .valid(needsRehash: true))
        XCTAssertEqual(try scrypt(1024, 8, 2).verify(password, against: scryptSmall), .valid(needsRehash: true))
        // A configured scrypt upgrades PBKDF2 hashes.
        XCTAssertEqual(try scrypt(1024, 8, 1).verify(password, against: sha256At1000), .valid(needsRehash: true))
    }

    func testUnusableAndMalformedHashesNeverVerifyAndNeverCrash() throws {
        let hasher = try PasswordHasher(iterations: 1000)
        let valid = DjangoVectorTests.pbkdf2SHA256
        let malformed = [
            "", "!", "!" + valid, "!abcdefghijklmnopqrstuvwxyz0123456789ABCD", "$", "$$$",
            "pbkdf2_sha256", "pbkdf2_sha256$", "pbkdf2_sha256$$$", "pbkdf2_sha256$1000$somesalt",
            "pbkdf2_sha256$abc$somesaltsomesaltsomesa$x", "pbkdf2_sha256$-1000$somesaltsomesaltsomesa$x",
            "pbkdf2_sha256$0$somesaltsomesaltsomesa$x", "pbkdf2_sha256$99999999999999999999999$salt$x",
            "pbkdf2_sha256$1000000000$salt$x", "pbkdf2_sha256$1000$$x", valid + "$extra", valid + " ",
            valid.replacingOccurrences(of: "$1000$", with: "$01000$"),
            valid.replacingOccurrences(of: "$1000$", with: "$+1000$"),
            valid.replacingOccurrences(of: "$1000$", with: "$１０００$"),  // full-width digits
            "PBKDF2_SHA256" + valid.dropFirst("pbkdf2_sha256".count),
            "scrypt$1024$salt$8$1", "scrypt$1000$salt$8$1$x", "scrypt$1$salt$8$1$x", "scrypt$1024$salt$0$1$x",
            "scrypt$1024$salt$8$0$x", "scrypt$1048576$salt$8$1$x", "scrypt$1024$salt$8$99999999999$x",
            "scrypt$4611686018427387904$salt$8$1$x",
            "md5$salt$0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA", "bcrypt_sha256$$2b$12$abc",
            "\u{0}", String(repeating: "$", count: 10_000), "pbkdf2_sha256$1000$sa\u{0}lt$x",
        ]
        for encoded in malformed {
            XCTAssertEqual(hasher.verify(password, against: encoded), .invalid, encoded.prefix(80).description)
        }
    }

    func testRefusesParametersItWouldNotAccept() {
        let invalid = PasswordError(.invalidParameters, "")
        XCTAssertThrowsError(try PasswordHasher(iterations: 0)) { XCTAssertEqual($0 as? PasswordError, invalid) }
        XCTAssertThrowsError(try PasswordHasher(iterations: -5)) { XCTAssertEqual($0 as? PasswordError, invalid) }
        XCTAssertThrowsError(try PasswordHasher(algorithm: .scrypt, scryptWorkFactor: 1000)) { XCTAssertEqual($0 as? PasswordError, invalid) }
        XCTAssertThrowsError(try PasswordHasher(algorithm: .scrypt, scryptWorkFactor: 1 << 20, scryptBlockSize: 8)) {
            XCTAssertEqual($0 as? PasswordError, invalid)
        }
        XCTAssertThrowsError(try PasswordHasher(scryptParallelism: 0)) { XCTAssertEqual($0 as? PasswordError, invalid) }
        XCTAssertThrowsError(try PasswordHasher(iterations: 1000).encode([], salt: "a$b")) { XCTAssertEqual($0 as? PasswordError, invalid) }
        XCTAssertThrowsError(try PasswordHasher(iterations: 1000).encode([], salt: "")) { XCTAssertEqual($0 as? PasswordError, invalid) }
    }

    /// burnTime stands in for checking the password of an unknown user, so it must cost what that check costs: one
    /// key derivation with exactly the configured algorithm and parameters. Checked structurally, not by timing:
    /// the hash burnTime derived names its algorithm and parameters, and verifies, so its key was derived with them.
    func testBurnTimeDerivesOneKeyWithTheConfiguredAlgorithmAndCost() throws {
        let hashers = [
            try PasswordHasher(iterations: 1000),
            try PasswordHasher(algorithm: .pbkdf2_sha1, iterations: 1200),
            try PasswordHasher(algorithm: .scrypt, scryptWorkFactor: 1024, scryptBlockSize: 4, scryptParallelism: 2),
        ]
        let expected = ["pbkdf2_sha256$1000$", "pbkdf2_sha1$1200$", "scrypt$1024$"]
        for (hasher, prefix) in zip(hashers, expected) {
            // Any bytes at all: burnTime runs on whatever an unknown user typed.
            for password in [[], [0, 0xFF, 0xFE], [UInt8](repeating: 0x41, count: 100_000), self.password] {
                let hash = try XCTUnwrap(hasher.burnTimeHash(password), "\(hasher.algorithm): burnTime derived nothing")
                XCTAssertTrue(hash.hasPrefix(prefix), "burnTime derived \(hash), expected \(prefix)…")
                if hasher.algorithm == .scrypt {
                    let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
                    XCTAssertEqual(parts.count, 6, hash)
                    XCTAssertEqual(parts.dropFirst(3).prefix(2), ["4", "2"], "scrypt r and p of \(hash)")
                }
                // The hash verifies with no rehash needed: the key behind it was derived with the configured cost.
                XCTAssertEqual(hasher.verify(password, against: hash), .valid(needsRehash: false), hash)
            }
            hasher.burnTime(Array("the public entry point".utf8))
        }
    }
}
