import JSON
import XCTest

@testable import JOSE

/// Known-answer tests against the published examples of RFC 7515 (JWS) and RFC 8037 (EdDSA).
final class KnownAnswerTests: XCTestCase {
    /// The claims of RFC 7515 A.1–A.3 (with CRLF line breaks, as in the RFC); exp = 1300819380.
    static let rfcPayload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    static let beforeExpiry: Int64 = 1_300_819_000

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testRFC7515A1HS256() throws {
        let key = try XCTUnwrap(Base64URL.decode(bytes("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")))
        let input = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + Self.rfcPayload
        let hmac = try HMACKey(secret: key, algorithm: .HS256)
        let mac = try bytes(input).withUnsafeBufferPointer { try hmac.mac($0) }
        XCTAssertEqual(Base64URL.encodeString(mac), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")

        // The whole token decodes through the codec, including the RFC's non-compact header.
        let codec = try JWTCodec(algorithm: .HS256, signingKey: key)
        let jwt = try codec.decode(input + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", validation: JWTValidation(), now: Self.beforeExpiry)
        XCTAssertEqual(jwt.claims["iss"], "joe")
        XCTAssertEqual(jwt.claims["http://example.com/is_root"], .bool(true))
        XCTAssertThrowsError(try codec.decode(input + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", validation: JWTValidation(), now: 1_300_819_380)) {
            XCTAssertEqual(($0 as? JWTDecodeError)?.code, .expired)
        }
    }

    func testRFC7515A2RS256SignsExactly() throws {
        let key = try AsymmetricKey(pkey: PEMKeyLoader.load(RFCKeys.rsaA2, what: "test"), algorithm: .RS256, what: "test")
        let input = "eyJhbGciOiJSUzI1NiJ9." + Self.rfcPayload
        let signature = try bytes(input).withUnsafeBufferPointer { try key.sign($0) }
        let expected = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
        XCTAssertEqual(Base64URL.encodeString(signature), expected)

        let codec = try JWTCodec(algorithm: .RS256, signingKey: RFCKeys.rsaA2)
        let jwt = try codec.decode(input + "." + expected, validation: JWTValidation(), now: Self.beforeExpiry)
        XCTAssertEqual(jwt.header, ["alg": "RS256"])
        XCTAssertEqual(codec.jwks.first?["n"], .string("ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"))
        XCTAssertEqual(codec.jwks.first?["e"], "AQAB")
    }

    func testRFC7515A3ES256Verifies() throws {
        let token = "eyJhbGciOiJFUzI1NiJ9." + Self.rfcPayload
            + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
        let codec = try JWTCodec(algorithm: .ES256, signingKey: RFCKeys.p256A3)
        XCTAssertEqual(try codec.decode(token, validation: JWTValidation(), now: Self.beforeExpiry).claims["iss"], "joe")
        XCTAssertEqual(codec.jwks.first?["x"], "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")
        XCTAssertEqual(codec.jwks.first?["y"], "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")
        XCTAssertEqual(codec.jwks.first?["crv"], "P-256")
        // One flipped bit in s must fail.
        let tampered = token.replacingOccurrences(of: "DtEhU3", with: "DtEhU4")
        XCTAssertThrowsError(try codec.decode(tampered, validation: JWTValidation(), now: Self.beforeExpiry)) {
            XCTAssertEqual(($0 as? JWTDecodeError)?.code, .invalidSignature)
        }
        // A fresh ES256 signature over the same input verifies too (signing is randomised, so no exact compare).
        let key = try AsymmetricKey(pkey: PEMKeyLoader.load(RFCKeys.p256A3, what: "t"), algorithm: .ES256, what: "t")
        let input = bytes("eyJhbGciOiJFUzI1NiJ9." + Self.rfcPayload)
        let signature = try input.withUnsafeBufferPointer { try key.sign($0) }
        XCTAssertEqual(signature.count, 64)
        XCTAssertTrue(input.withUnsafeBufferPointer { i in signature.withUnsafeBufferPointer { key.verify(i, signature: $0) } })
    }

    func testRFC7515A4ES512Verifies() throws {
        let input = bytes("eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA")
        let signature = try XCTUnwrap(Base64URL.decode(bytes("AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn")))
        XCTAssertEqual(signature.count, 132)
        let key = try AsymmetricKey(pkey: PEMKeyLoader.load(RFCKeys.p521A4Public, what: "t"), algorithm: .ES512, what: "t")
        XCTAssertFalse(key.pkey.isPrivate)
        XCTAssertTrue(input.withUnsafeBufferPointer { i in signature.withUnsafeBufferPointer { key.verify(i, signature: $0) } })
        var bad = signature
        bad[10] ^= 1
        XCTAssertFalse(input.withUnsafeBufferPointer { i in bad.withUnsafeBufferPointer { key.verify(i, signature: $0) } })
    }

    func testRFC8037A4Ed25519SignsExactly() throws {
        let key = try AsymmetricKey(pkey: PEMKeyLoader.load(RFCKeys.ed25519RFC8037, what: "t"), algorithm: .EdDSA, what: "t")
        let input = bytes("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc")
        let signature = try input.withUnsafeBufferPointer { try key.sign($0) }
        XCTAssertEqual(Base64URL.encodeString(signature),
                       "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
        // RFC 8037 A.5 (verification) and A.3 (thumbprint).
        XCTAssertTrue(input.withUnsafeBufferPointer { i in signature.withUnsafeBufferPointer { key.verify(i, signature: $0) } })
        XCTAssertEqual(try key.publicJWK()["x"], "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        XCTAssertEqual(try key.thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }
}
