import XCTest
import Passwords

/// Known answers produced by Django 6.1.3's own hashers, e.g.
/// `PBKDF2PasswordHasher().encode('pässword', 'somesaltsomesaltsomesa', 1000)` and
/// `ScryptPasswordHasher().encode('pässword', 'somesaltsomesaltsomesa', 1024, 8, 1)`.
final class DjangoVectorTests: XCTestCase {
    static let pbkdf2SHA256 = "pbkdf2_sha256$1000$somesaltsomesaltsomesa$0wmM69Re8LIA/NDqxvwWeT4z1ZN4Dhv7d4C3fri7HL8="
    static let pbkdf2SHA256Empty = "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$vqafFtFOwJN9wrhga0SNKKw1GODAJgholvjeoMoWcZs="
    static let pbkdf2SHA256Padded = "pbkdf2_sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$TO89gyk/twffzPGbnIkIzsx3tZGWRIatr51ddNSLal8="
    static let pbkdf2SHA256ShortSalt = "pbkdf2_sha256$1000$shortsalt$yBDWN4529FEhbtUP2ZBO5XUKO3sZCRuo5oH/tK/Rdp0="
    static let pbkdf2SHA1 = "pbkdf2_sha1$1000$somesaltsomesaltsomesa$2HNm3csDcOaIz+qET4vfTFeBQn4="
    static let scryptDefault = "scrypt$16384$somesaltsomesaltsomesa$8$5$Aw1j4sr8yRaRyQ3PyVHdLfqRHGfdhi3sP8HnICWbfFBbNeJwKJv/cJcbTL1XnpEKYprKBHEFqR/4UUVRi+DCnA=="
    static let scryptSmall = "scrypt$1024$somesaltsomesaltsomesa$8$1$R0mo7mtDaMyJCRc3c+CD9IIPKQgJ19QfrOp0Cmbdf+Si0umVhlGb5/CDcluMTuhddpraAbT8qAyVR/eR9ZL99Q=="
    /// A salt of 22 code points but 21 Swift Characters (a combining accent): Django counts code points.
    static let combiningSalt = "pbkdf2_sha256$1000$se\u{0301}lxxxxxxxxxxxxxxxxxx$DtDvlod//KSYQ6Pni8LqhWiRnQ1Orc86wCZhJBU//us="
    /// make_password('correct horse', 'XyZ123abcXyZ123abcXyZ1') with Django 6.1's default hasher.
    static let djangoDefault = "pbkdf2_sha256$1500000$XyZ123abcXyZ123abcXyZ1$EsBQI008UrwGSWMD4H6Qnj4Pi7O88pKgsgeQ1/5iGls="

    let password = Array("pässword".utf8)

    func testEncodeMatchesDjangoByteForByte() throws {
        let sha256 = try PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1000)
        XCTAssertEqual(try sha256.encode(password, salt: "somesaltsomesaltsomesa"), Self.pbkdf2SHA256)
        XCTAssertEqual(try sha256.encode([], salt: "abcdefghijklmnopqrstuv"), Self.pbkdf2SHA256Empty)
        XCTAssertEqual(try sha256.encode(Array(" padded password ".utf8), salt: "AAAAAAAAAAAAAAAAAAAAAA"), Self.pbkdf2SHA256Padded)
        let sha1 = try PasswordHasher(algorithm: .pbkdf2_sha1, iterations: 1000)
        XCTAssertEqual(try sha1.encode(password, salt: "somesaltsomesaltsomesa"), Self.pbkdf2SHA1)
        let scrypt = try PasswordHasher(algorithm: .scrypt, scryptWorkFactor: 1024, scryptBlockSize: 8, scryptParallelism: 1)
        XCTAssertEqual(try scrypt.encode(password, salt: "somesaltsomesaltsomesa"), Self.scryptSmall)
    }

    func testDjangoHashesVerify() throws {
        let hasher = try PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1000)
        XCTAssertEqual(hasher.verify(password, against: Self.pbkdf2SHA256), .valid(needsRehash: false))
        XCTAssertEqual(hasher.verify([], against: Self.pbkdf2SHA256Empty), .valid(needsRehash: false))
        XCTAssertEqual(hasher.verify(Array(" padded password ".utf8), against: Self.pbkdf2SHA256Padded), .valid(needsRehash: false))
        XCTAssertEqual(hasher.verify(password, against: Self.pbkdf2SHA1), .valid(needsRehash: true))
        XCTAssertEqual(hasher.verify(password, against: Self.scryptSmall), .valid(needsRehash: true))
        XCTAssertEqual(hasher.verify(password, against: Self.pbkdf2SHA256ShortSalt), .valid(needsRehash: true),
                       "Django upgrades salts shorter than 22 characters")
    }

    func testNonASCIISaltsAreHashedAndCountedAsDjangoDoes() throws {
        let hasher = try PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1000)
        XCTAssertEqual(try hasher.encode(password, salt: "se\u{0301}lxxxxxxxxxxxxxxxxxx"), Self.combiningSalt)
        XCTAssertEqual(hasher.verify(password, against: Self.combiningSalt), .valid(needsRehash: false))
        // "$" + combining mark is one Swift Character but still a separator, for parsing and for salts.
        XCTAssertThrowsError(try hasher.encode(password, salt: "a$\u{0301}b"))
        XCTAssertEqual(hasher.verify(password, against: "pbkdf2_sha256$1000$a$\u{0301}b$x"), .invalid)
        XCTAssertEqual(hasher.verify(password, against: "!\u{0301}" + Self.pbkdf2SHA256), .invalid)
    }

    func testDjangoDefaultScryptHashVerifies() throws {
        let scrypt = try PasswordHasher(algorithm: .scrypt)
        XCTAssertEqual(scrypt.verify(password, against: Self.scryptDefault), .valid(needsRehash: false))
        XCTAssertEqual(scrypt.verify(Array("password".utf8), against: Self.scryptDefault), .invalid)
    }

    func testDjangoDefaultHashWithOnePointFiveMillionIterationsVerifies() throws {
        XCTAssertEqual(PasswordHasher.djangoDefault.verify(Array("correct horse".utf8), against: Self.djangoDefault),
                       .valid(needsRehash: false))
    }

    func testWrongPasswordsAndWhitespaceAreNotAccepted() throws {
        let hasher = try PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1000)
        for wrong in ["passwörd", "pässword ", " pässword", "pässwor", "Pässword", ""] {
            XCTAssertEqual(hasher.verify(Array(wrong.utf8), against: Self.pbkdf2SHA256), .invalid, wrong)
        }
        // Not trimmed (a documented difference from SimpleJWT's serializer).
        XCTAssertEqual(hasher.verify(Array("padded password".utf8), against: Self.pbkdf2SHA256Padded), .invalid)
        // Same characters, different normalization (NFD): different bytes, so not equal, as in Django.
        XCTAssertEqual(hasher.verify(Array("pa\u{0308}ssword".utf8), against: Self.pbkdf2SHA256), .invalid)
    }
}
