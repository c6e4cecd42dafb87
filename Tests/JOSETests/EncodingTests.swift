import TestSupport
import XCTest

@testable import JOSE

final class EncodingTests: XCTestCase {
    func testBase64URL() {
        XCTAssertEqual(Base64URL.encodeString(Array("".utf8)), "")
        XCTAssertEqual(Base64URL.encodeString(Array("f".utf8)), "Zg")
        XCTAssertEqual(Base64URL.encodeString(Array("fo".utf8)), "Zm8")
        XCTAssertEqual(Base64URL.encodeString(Array("foo".utf8)), "Zm9v")
        XCTAssertEqual(Base64URL.encodeString([0xFB, 0xFF]), "-_8")
        XCTAssertEqual(Base64URL.decode(Array("-_8".utf8)), [0xFB, 0xFF])
        XCTAssertEqual(Base64URL.decode(Array("Zg==".utf8)), Array("f".utf8))
        XCTAssertNil(Base64URL.decode(Array("Zg=".utf8)))  // padding that does not complete a group
        XCTAssertNil(Base64URL.decode(Array("Zh".utf8)))  // non-canonical trailing bits
        XCTAssertNil(Base64URL.decode(Array("Z".utf8)))
        XCTAssertNil(Base64URL.decode(Array("Zm9v+g".utf8)))  // standard alphabet is not base64url
        XCTAssertNil(Base64URL.decode(Array("Zm 9v".utf8)))
        var rng = SplitMix64.forTest(defaultSeed: 0xB64)
        for length in 0..<100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertEqual(Base64URL.decode(Base64URL.encode(bytes)), bytes, "\(bytes); \(rng.replay)")
        }
    }

    func testECDSASignatureConversion() {
        // r with the high bit set needs a 0x00 pad in DER; s with leading zeros is shortened.
        var raw = [UInt8](repeating: 0, count: 64)
        raw[0] = 0x80
        raw[31] = 1
        raw[63] = 7
        let der = raw.withUnsafeBufferPointer { ECDSASignature.derFromRaw($0) }
        XCTAssertEqual(der, [0x30, 0x26, 0x02, 0x21, 0x00, 0x80] + [UInt8](repeating: 0, count: 30) + [1, 0x02, 0x01, 0x07])
        XCTAssertEqual(ECDSASignature.rawFromDER(der, width: 32), raw)
        XCTAssertNil(ECDSASignature.rawFromDER(der, width: 16))
        XCTAssertNil(ECDSASignature.rawFromDER(Array(der.dropLast()), width: 32))
        XCTAssertNil(ECDSASignature.rawFromDER([0x30, 0x00], width: 32))
        // P-521 signatures need the long length form.
        let wide = [UInt8](repeating: 0xFF, count: 132)
        let wideDER = wide.withUnsafeBufferPointer { ECDSASignature.derFromRaw($0) }
        XCTAssertEqual(Array(wideDER.prefix(3)), [0x30, 0x81, 0x8A])
        XCTAssertEqual(ECDSASignature.rawFromDER(wideDER, width: 66), wide)
    }
}

final class TokenFuzzTests: XCTestCase {
    /// Random edits of a valid token must only ever produce a decode error (or, rarely, still verify) — never a crash.
    /// Everything is fixed but the seed (RFC 7515's P-256 key, a token signed once with it, since ES256 signing is
    /// randomised), so a failure replays exactly from the seed its message names.
    func testMutatedTokensNeverCrash() throws {
        let codec = try JWTCodec(algorithm: .ES256, signingKey: RFCKeys.p256A3)
        // PyJWT's jwt.encode({"user_id": "1", "exp": 2000000000, "aud": ["a", "b"]}, key, algorithm="ES256").
        let token = Array(("eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiMSIsImV4cCI6MjAwMDAwMDAwMCwiYXVkIjpbImEiLCJiIl19."
            + "SoK0Uag2PgShsTfInWjmCcGk2wgQvCHPIVnL9KOSoj1obiJudBuvvDd9hqfORlOCS5gV0lhYLOSy_XE-1bD7zQ").utf8)
        let alphabet = Array("ABCabc019-_.=+/!{}\" \u{0}".utf8)
        var generator = SplitMix64.forTest(defaultSeed: 0x70CE_F022)
        let original = try codec.decode(String(decoding: token, as: UTF8.self), validation: JWTValidation(), now: 1_700_000_000)
        for round in 0..<3000 {
            var t = token
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let i = Int.random(in: 0..<t.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: t[i] = alphabet.randomElement(using: &generator) ?? 0
                case 1: t.remove(at: i)
                default: t.insert(alphabet.randomElement(using: &generator) ?? 0, at: i)
                }
                if t.isEmpty { t = [0x2E] }
            }
            if let jwt = try? codec.decode(String(decoding: t, as: UTF8.self), validation: JWTValidation(audience: ["b"]), now: 1_700_000_000) {
                // Only harmless spellings survive (such as "=" padding on the signature, which PyJWT accepts too).
                XCTAssertEqual(jwt, original, "round \(round), \(generator.replay): \(String(decoding: t, as: UTF8.self))")
            }
            _ = try? JWTInspector.decodeUnverified(String(decoding: t, as: UTF8.self))
        }
    }
}
