import COpenSSL
import JSON
import XCTest

@testable import JOSE

final class JWTCodecTests: XCTestCase {
    static let now: Int64 = 1_700_000_000
    let secret = Array("a-test-secret-that-is-long-enough-for-hs512-0123456789abcdefghijklmnop".utf8)

    private func hs256() throws -> JWTCodec { try JWTCodec(algorithm: .HS256, signingKey: secret) }

    private func claims(_ extra: JSONObject = [:]) -> JSONObject {
        var c: JSONObject = ["token_type": "access", "exp": .int(Self.now + 300), "iat": .int(Self.now),
                             "jti": "0123456789abcdef0123456789abcdef", "user_id": "42"]
        for (k, v) in extra { c[k] = v }
        return c
    }

    private func code(_ body: () throws -> Any) -> JWTDecodeError.Code? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? JWTDecodeError)?.code
        }
    }

    private func joseCode(_ body: () throws -> Any) -> JOSEError.Code? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? JOSEError)?.code
        }
    }

    /// Builds a token with an arbitrary header, signed with the HS256 test secret.
    /// Uses OpenSSL's HMAC directly so the test can also sign with keys the codec would refuse (a public PEM).
    private func forge(header: String, payload: String, key: [UInt8]? = nil) throws -> String {
        let input = Array((Base64URL.encodeString(Array(header.utf8)) + "." + Base64URL.encodeString(Array(payload.utf8))).utf8)
        let k = key ?? secret
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        XCTAssertNotNil(HMAC(EVP_sha256(), k, Int32(k.count), input, input.count, &mac, &length))
        return String(decoding: input, as: UTF8.self) + "." + Base64URL.encodeString(mac)
    }

    /// A token with any header, signed by `codec`'s key.
    private func forge(header: String, payload: String, codec: JWTCodec) throws -> String {
        guard case .object(let h) = try JSON.parse(Array(header.utf8)), case .object(let p) = try JSON.parse(Array(payload.utf8)) else {
            throw JSONError(code: .syntax, message: "forge: header and payload must be JSON objects")
        }
        return try codec.sign(p, header: h)
    }

    func testRoundTripAllAlgorithms() throws {
        for algorithm in JWSAlgorithm.allCases {
            let key = try KeyGenerator.generate(algorithm)
            let codec = try JWTCodec(algorithm: algorithm, signingKey: key.secretOrPrivatePEM)
            let original = claims(["name": "Zoë 😀"])
            let token = try codec.sign(original)
            let jwt = try codec.decode(token, validation: JWTValidation(), now: Self.now)
            XCTAssertEqual(jwt.claims, original, "\(algorithm)")
            XCTAssertEqual(jwt.claims.keys, original.keys, "key order kept for \(algorithm)")
            if algorithm.isSymmetric {
                XCTAssertEqual(jwt.header, ["alg": .string(algorithm.rawValue), "typ": "JWT"], "SimpleJWT's HS* header")
            } else {
                // The RFC 7638 thumbprint of the verifying key, the same id the JWKS publishes.
                XCTAssertEqual(jwt.header, ["alg": .string(algorithm.rawValue), "kid": codec.jwks[0]["kid"] ?? .null, "typ": "JWT"])
                XCTAssertEqual(jwt.header["kid"]?.stringValue?.count, 43, "\(algorithm)")
            }
            XCTAssertEqual(codec.jwks.isEmpty, algorithm.isSymmetric)
            if !algorithm.isSymmetric {
                // A codec holding only the public key verifies but cannot sign.
                let verifier = try JWTCodec(algorithm: algorithm, signingKey: XCTUnwrap(key.publicPEM))
                XCTAssertFalse(verifier.canSign)
                XCTAssertEqual(try verifier.decode(token, validation: JWTValidation(), now: Self.now).claims, original)
                XCTAssertEqual(joseCode { try verifier.sign(original) }, .cannotSign)
                // Explicit matching verifying key is accepted.
                XCTAssertNoThrow(try JWTCodec(algorithm: algorithm, signingKey: key.secretOrPrivatePEM, verifyingKey: key.publicPEM))
            }
        }
    }

    func testHeaderAndPayloadSerialisationMatchPyJWT() throws {
        let codec = try JWTCodec(algorithm: .HS256, signingKey: secret, keyID: "k1")
        let token = try codec.sign(["user_id": "é"])
        let parts = token.split(separator: ".").map(String.init)
        XCTAssertEqual(Base64URL.decode(Array(parts[0].utf8)).map { String(decoding: $0, as: UTF8.self) },
                       #"{"alg":"HS256","kid":"k1","typ":"JWT"}"#)
        XCTAssertEqual(Base64URL.decode(Array(parts[1].utf8)).map { String(decoding: $0, as: UTF8.self) },
                       #"{"user_id":"\u00e9"}"#)
    }

    func testTamperingIsDetected() throws {
        let codec = try hs256()
        let token = try codec.sign(claims())
        var parts = token.split(separator: ".").map(String.init)
        let v = JWTValidation()

        var payload = try XCTUnwrap(JSON.parse(XCTUnwrap(Base64URL.decode(Array(parts[1].utf8)))).objectValue)
        payload["user_id"] = "1"
        let forgedPayload = Base64URL.encodeString(JSON.serialize(payload))
        XCTAssertEqual(code { try codec.decode(parts[0] + "." + forgedPayload + "." + parts[2], validation: v, now: Self.now) },
                       .invalidSignature)

        let otherHeader = Base64URL.encodeString(Array(#"{"typ":"JWT","alg":"HS256"}"#.utf8))
        XCTAssertEqual(code { try codec.decode(otherHeader + "." + parts[1] + "." + parts[2], validation: v, now: Self.now) },
                       .invalidSignature)

        var sig = try XCTUnwrap(Base64URL.decode(Array(parts[2].utf8)))
        sig[0] ^= 0x80
        parts[2] = Base64URL.encodeString(sig)
        XCTAssertEqual(code { try codec.decode(parts.joined(separator: "."), validation: v, now: Self.now) }, .invalidSignature)
        XCTAssertEqual(code { try codec.decode(token + "x", validation: v, now: Self.now) }, .invalidSignature)
        XCTAssertEqual(code { try codec.decode(String(token.dropLast(2)), validation: v, now: Self.now) }, .malformed)

        // A different secret must not verify.
        let other = try JWTCodec(algorithm: .HS256, signingKey: Array("another-secret-another-secret-another-secret".utf8))
        XCTAssertEqual(code { try other.decode(token, validation: v, now: Self.now) }, .invalidSignature)
    }

    func testAlgorithmIsPinned() throws {
        let codec = try hs256()
        let v = JWTValidation()
        let payload = JSON.serializeString(.object(claims()))
        // "none" with an empty signature.
        let none = Base64URL.encodeString(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + Base64URL.encodeString(Array(payload.utf8)) + "."
        XCTAssertEqual(code { try codec.decode(none, validation: v, now: Self.now) }, .invalidAlgorithm)
        // Correctly signed, but the header names another algorithm.
        XCTAssertEqual(code { try codec.decode(try forge(header: #"{"alg":"HS512"}"#, payload: payload), validation: v, now: Self.now) },
                       .invalidAlgorithm)
        XCTAssertEqual(code { try codec.decode(try forge(header: #"{"typ":"JWT"}"#, payload: payload), validation: v, now: Self.now) },
                       .invalidAlgorithm)
        XCTAssertEqual(code { try codec.decode(try forge(header: #"{"alg":["HS256"]}"#, payload: payload), validation: v, now: Self.now) },
                       .invalidAlgorithm)

        // Algorithm confusion: an HS256 token "signed" with the RS256 public key must not pass an RS256 codec.
        let rsa = try KeyGenerator.generate(.RS256)
        let rsCodec = try JWTCodec(algorithm: .RS256, signingKey: rsa.secretOrPrivatePEM)
        let confused = try forge(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: payload, key: XCTUnwrap(rsa.publicPEM))
        XCTAssertEqual(code { try rsCodec.decode(confused, validation: v, now: Self.now) }, .invalidAlgorithm)
        // …and the PEM cannot even be configured as an HMAC secret.
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .HS256, signingKey: XCTUnwrap(rsa.publicPEM)) }, .invalidKey)
    }

    func testMalformedTokens() throws {
        let codec = try hs256()
        let v = JWTValidation()
        for bad in ["", "abc", "a.b", "...", "!!.e30.AAAA", "e30.e30.A", "e30.e30.AB==="] {
            XCTAssertEqual(code { try codec.decode(bad, validation: v, now: Self.now) }, .malformed, bad)
        }
        let payload = JSON.serializeString(.object(claims()))
        XCTAssertEqual(code { try codec.decode(try forge(header: "[]", payload: payload), validation: v, now: Self.now) }, .malformed)
        XCTAssertEqual(code { try codec.decode(try forge(header: #"{"alg":"HS256","kid":7}"#, payload: payload), validation: v, now: Self.now) },
                       .malformed)
        XCTAssertEqual(code { try codec.decode(try forge(header: #"{"alg":"HS256","crit":["exp"]}"#, payload: payload), validation: v, now: Self.now) },
                       .malformed)
        XCTAssertEqual(code { try codec.decode(try forge(header: #"{"alg":"HS256"}"#, payload: "[1]"), validation: v, now: Self.now) },
                       .malformed)
        XCTAssertEqual(code { try codec.decode(try forge(header: #"{"alg":"HS256"}"#, payload: "{bad"), validation: v, now: Self.now) },
                       .malformed)
        // A header without "alg" is an algorithm error (PyJWT checks alg before anything cryptographic).
        XCTAssertEqual(code { try codec.decode("e30.e30.", validation: v, now: Self.now) }, .invalidAlgorithm)
        XCTAssertEqual(code { try codec.decode("e30=.e30.AAAA", validation: v, now: Self.now) }, .invalidAlgorithm)
        // PyJWT accepts "=" padding (signed as written, since the signing input is the raw text); so do we.
        let header = Base64URL.encodeString(Array(#"{"alg":"HS256","ab":1}"#.utf8)) + "=="
        XCTAssertEqual(header.count % 4, 0)
        let input = header + "." + Base64URL.encodeString(Array(#"{"a":1}"#.utf8))
        let hmac = try HMACKey(secret: secret, algorithm: .HS256)
        let mac = try Array(input.utf8).withUnsafeBufferPointer { try hmac.mac($0) }
        let padded = input + "." + Base64URL.encodeString(mac) + "="
        XCTAssertEqual(try codec.decode(padded, validation: v, now: Self.now).claims, ["a": 1])
    }

    /// `memo: true` skips the signature and parse for a token seen before, never the checks that depend on the
    /// time or the settings, and never keeps a token that failed.
    func testARememberedTokenIsCheckedAgainEveryTime() throws {
        let codec = try hs256()
        let token = try codec.sign(claims(["aud": "api", "nbf": .int(Self.now - 5)]))
        let first = try codec.decode(token, validation: JWTValidation(), now: Self.now, memo: true)
        XCTAssertEqual(try codec.decode(token, validation: JWTValidation(), now: Self.now, memo: true), first)
        XCTAssertEqual(code { try codec.decode(token, validation: JWTValidation(), now: Self.now + 300, memo: true) }, .expired)
        XCTAssertEqual(code { try codec.decode(token, validation: JWTValidation(), now: Self.now - 10, memo: true) }, .immature)
        XCTAssertEqual(code { try codec.decode(token, validation: JWTValidation(audience: ["web"]), now: Self.now, memo: true) },
                       .invalidAudience)
        XCTAssertEqual(code { try codec.decode(token, validation: JWTValidation(issuer: "authd"), now: Self.now, memo: true) },
                       .invalidIssuer)

        // Another codec (another key: what a reload that changes keys builds) does not share the memo.
        let other = try JWTCodec(algorithm: .HS256, signingKey: Array("another-secret-that-is-long-enough-0123456789".utf8))
        XCTAssertEqual(code { try other.decode(token, validation: JWTValidation(), now: Self.now, memo: true) }, .invalidSignature)

        // A token that fails is not remembered: it fails again for its own reason, and a forged one never passes.
        let expired = try codec.sign(claims(["exp": .int(Self.now - 1)]))
        XCTAssertEqual(code { try codec.decode(expired, validation: JWTValidation(), now: Self.now, memo: true) }, .expired)
        XCTAssertEqual(code { try codec.decode(expired, validation: JWTValidation(verifyExpiry: false), now: Self.now, memo: true) }, nil)
        let forged = try forge(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: #"{"user_id":"42"}"#,
                               key: Array("not-the-secret-not-the-secret-not-the-secret".utf8))
        for _ in 0..<2 {
            XCTAssertEqual(code { try codec.decode(forged, validation: JWTValidation(), now: Self.now, memo: true) }, .invalidSignature)
        }
    }

    func testTheMemoKeepsTwoGenerationsAtMost() {
        let memo = VerifiedTokenMemo(capacity: 2)
        let jwt = JWT(header: ["alg": "HS256"], claims: ["n": 1])
        memo.remember("a", jwt)
        memo.remember("b", jwt)
        memo.remember("c", jwt)  // the current generation {a, b} was full: it becomes the previous one
        XCTAssertNotNil(memo.lookup("a"), "a hit in the previous generation moves to the current one")
        memo.remember("d", jwt)  // {c, a} full: becomes previous, b is dropped
        XCTAssertNil(memo.lookup("b"))
        XCTAssertNotNil(memo.lookup("c"))
        XCTAssertNotNil(memo.lookup("d"))
        XCTAssertLessThanOrEqual(memo.count, 4)
        for index in 0..<100 { memo.remember("t\(index)", jwt) }
        XCTAssertLessThanOrEqual(memo.count, 4, "never more than two generations of `capacity` tokens")
    }

    func testExpiryAndNotBeforeWithLeeway() throws {
        let codec = try hs256()
        let expired = try codec.sign(claims(["exp": .int(Self.now - 10)]))
        XCTAssertEqual(code { try codec.decode(expired, validation: JWTValidation(), now: Self.now) }, .expired)
        XCTAssertNoThrow(try codec.decode(expired, validation: JWTValidation(leeway: 11), now: Self.now))
        XCTAssertEqual(code { try codec.decode(expired, validation: JWTValidation(leeway: 10), now: Self.now) }, .expired)
        XCTAssertNoThrow(try codec.decode(expired, validation: JWTValidation(verifyExpiry: false), now: Self.now))
        // exp == now is already expired (PyJWT: exp <= now - leeway).
        let boundary = try codec.sign(claims(["exp": .int(Self.now)]))
        XCTAssertEqual(code { try codec.decode(boundary, validation: JWTValidation(), now: Self.now) }, .expired)

        let notYet = try codec.sign(claims(["nbf": .int(Self.now + 30)]))
        XCTAssertEqual(code { try codec.decode(notYet, validation: JWTValidation(), now: Self.now) }, .immature)
        XCTAssertNoThrow(try codec.decode(notYet, validation: JWTValidation(leeway: 30), now: Self.now))

        let futureIat = try codec.sign(claims(["iat": .int(Self.now + 30)]))
        XCTAssertEqual(code { try codec.decode(futureIat, validation: JWTValidation(), now: Self.now) }, .immature)
        XCTAssertNoThrow(try codec.decode(futureIat, validation: JWTValidation(leeway: 60), now: Self.now))

        // Python int() semantics for the time claims.
        XCTAssertNoThrow(try codec.decode(try codec.sign(claims(["exp": .double(Double(Self.now) + 60.5)])), validation: JWTValidation(), now: Self.now))
        XCTAssertNoThrow(try codec.decode(try codec.sign(claims(["exp": .string(" \(Self.now + 60) ")])), validation: JWTValidation(), now: Self.now))
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["exp": "soon"])), validation: JWTValidation(), now: Self.now) }, .invalidClaim)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["exp": .null])), validation: JWTValidation(), now: Self.now) }, .invalidClaim)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["iat": .array([])])), validation: JWTValidation(), now: Self.now) }, .invalidClaim)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["nbf": "1.5"])), validation: JWTValidation(), now: Self.now) }, .invalidClaim)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["jti": 5])), validation: JWTValidation(), now: Self.now) }, .invalidClaim)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["sub": 5])), validation: JWTValidation(), now: Self.now) }, .invalidClaim)
        // No exp at all is fine for the codec (SimpleJWT checks its presence itself).
        var noExp = claims()
        noExp["exp"] = nil
        XCTAssertNoThrow(try codec.decode(try codec.sign(noExp), validation: JWTValidation(), now: Self.now))
        // PyJWT checks iat before exp: a token both future-issued and expired is "immature".
        let both = try codec.sign(claims(["iat": .int(Self.now + 100), "exp": .int(Self.now - 100)]))
        XCTAssertEqual(code { try codec.decode(both, validation: JWTValidation(), now: Self.now) }, .immature)
    }

    func testAudience() throws {
        let codec = try hs256()
        let v = JWTValidation(audience: ["api", "web"])
        XCTAssertNoThrow(try codec.decode(try codec.sign(claims(["aud": "api"])), validation: v, now: Self.now))
        XCTAssertNoThrow(try codec.decode(try codec.sign(claims(["aud": ["other", "web"]])), validation: v, now: Self.now))
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["aud": "other"])), validation: v, now: Self.now) }, .invalidAudience)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims()), validation: v, now: Self.now) }, .invalidAudience)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["aud": ""])), validation: v, now: Self.now) }, .invalidAudience)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["aud": ["api", 1]])), validation: v, now: Self.now) }, .invalidAudience)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["aud": 1])), validation: v, now: Self.now) }, .invalidAudience)
        // Without a configured audience, SimpleJWT turns verify_aud off: any aud passes.
        XCTAssertNoThrow(try codec.decode(try codec.sign(claims(["aud": "other"])), validation: JWTValidation(), now: Self.now))
    }

    func testIssuer() throws {
        let codec = try hs256()
        let v = JWTValidation(issuer: "https://auth.example")
        XCTAssertNoThrow(try codec.decode(try codec.sign(claims(["iss": "https://auth.example"])), validation: v, now: Self.now))
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["iss": "https://evil"])), validation: v, now: Self.now) }, .invalidIssuer)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims()), validation: v, now: Self.now) }, .invalidIssuer)
        XCTAssertEqual(code { try codec.decode(try codec.sign(claims(["iss": 1])), validation: v, now: Self.now) }, .invalidIssuer)
        XCTAssertNoThrow(try codec.decode(try codec.sign(claims(["iss": "x"])), validation: JWTValidation(), now: Self.now))
    }

    func testKeyRotationWithKeyIDs() throws {
        let old = try KeyGenerator.generate(.ES256)
        let new = try KeyGenerator.generate(.ES256)
        let oldCodec = try JWTCodec(algorithm: .ES256, signingKey: old.secretOrPrivatePEM, keyID: "2024")
        let newCodec = try JWTCodec(algorithm: .ES256, signingKey: new.secretOrPrivatePEM, keyID: "2025",
                                    extraVerifyingKeys: [.init(algorithm: .ES256, keyID: "2024", material: XCTUnwrap(old.publicPEM))])
        let oldToken = try oldCodec.sign(claims())
        XCTAssertNoThrow(try newCodec.decode(oldToken, validation: JWTValidation(), now: Self.now))
        XCTAssertEqual(try newCodec.decode(try newCodec.sign(claims()), validation: JWTValidation(), now: Self.now).header["kid"], "2025")
        XCTAssertEqual(newCodec.jwks.map { $0["kid"] }, ["2025", "2024"])
        XCTAssertEqual(newCodec.jwks.first?["alg"], "ES256")
        XCTAssertEqual(newCodec.jwks.first?["use"], "sig")
        // A token without kid (SimpleJWT-style) is tried against every key of the configured algorithm.
        let unnamedOld = try forge(header: #"{"alg":"ES256","typ":"JWT"}"#, payload: JSON.serializeString(.object(claims())),
                                   codec: oldCodec)
        XCTAssertNoThrow(try newCodec.decode(unnamedOld, validation: JWTValidation(), now: Self.now))
        // A kid no key has is refused, even if some key would verify the signature.
        let plainOld = try JWTCodec(algorithm: .ES256, signingKey: old.secretOrPrivatePEM)
        XCTAssertEqual(code { try newCodec.decode(try plainOld.sign(claims()), validation: JWTValidation(), now: Self.now) },
                       .invalidSignature)
        // Without configured ids, kids are RFC 7638 thumbprints.
        XCTAssertEqual(plainOld.jwks.first?["kid"]?.stringValue?.count, 43)
        XCTAssertEqual(plainOld.keyID, plainOld.jwks.first?["kid"]?.stringValue)
        // The same key twice (same thumbprint) is a configuration error.
        XCTAssertEqual(joseCode {
            try JWTCodec(algorithm: .ES256, signingKey: old.secretOrPrivatePEM,
                         extraVerifyingKeys: [.init(algorithm: .ES256, material: XCTUnwrap(old.publicPEM))])
        }, .invalidKey)

        // HS*: older secrets can be kept for verification too.
        let hsOld = try JWTCodec(algorithm: .HS256, signingKey: Array("old-secret-old-secret-old-secret-old".utf8))
        let hsNew = try JWTCodec(algorithm: .HS256, signingKey: secret,
                                 extraVerifyingKeys: [.init(algorithm: .HS256, material: Array("old-secret-old-secret-old-secret-old".utf8))])
        XCTAssertNoThrow(try hsNew.decode(try hsOld.sign(claims()), validation: JWTValidation(), now: Self.now))
        XCTAssertTrue(hsNew.jwks.isEmpty, "secrets are never published")
    }

    /// A retired key of another algorithm verifies only its own tokens, only with its own algorithm.
    func testEveryKeyIsUsedWithItsOwnAlgorithmOnly() throws {
        let rsa = try KeyGenerator.generate(.RS256)
        let ec = try KeyGenerator.generate(.ES256)
        let retired = try JWTCodec(algorithm: .RS256, signingKey: rsa.secretOrPrivatePEM, keyID: "rsa-2024")
        let current = try JWTCodec(algorithm: .ES256, signingKey: ec.secretOrPrivatePEM, keyID: "ec-2025", extraVerifyingKeys: [
            .init(algorithm: .RS256, keyID: "rsa-2024", material: XCTUnwrap(rsa.publicPEM)),
            .init(algorithm: .HS256, keyID: "hs-old", material: secret),
        ])
        let v = JWTValidation()
        XCTAssertNoThrow(try current.decode(try retired.sign(claims()), validation: v, now: Self.now), "its kid, its algorithm")
        XCTAssertEqual(current.jwks.map { $0["alg"] }, ["ES256", "RS256"], "the HMAC secret is not published")
        let payload = JSON.serializeString(.object(claims()))
        // The RS256 key named with another algorithm, and an RS256 token without kid (not the configured algorithm).
        XCTAssertEqual(code { try current.decode(try forge(header: #"{"alg":"PS256","kid":"rsa-2024"}"#, payload: payload),
                                                 validation: v, now: Self.now) }, .invalidAlgorithm)
        XCTAssertEqual(code { try current.decode(try forge(header: #"{"alg":"RS256"}"#, payload: payload, codec: retired),
                                                 validation: v, now: Self.now) }, .invalidAlgorithm)
        // The classic confusion: an HS256 token keyed with the public key under the RSA key's kid.
        let confused = try JWTCodec(algorithm: .HS256, signingKey: Array("x".utf8) + Array(repeating: 0x41, count: 40),
                                    keyID: "rsa-2024")
        XCTAssertEqual(code { try current.decode(try confused.sign(claims()), validation: v, now: Self.now) }, .invalidAlgorithm)
        // The HMAC verify-only key verifies its own HS256 tokens by kid.
        let hmac = try JWTCodec(algorithm: .HS256, signingKey: secret, keyID: "hs-old")
        XCTAssertNoThrow(try current.decode(try hmac.sign(claims()), validation: v, now: Self.now))
    }

    func testKeyValidation() throws {
        // HMAC secrets that are really asymmetric keys, SSH keys or JWKs are refused, as PyJWT does.
        let ec = try KeyGenerator.generate(.ES256)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .HS256, signingKey: ec.secretOrPrivatePEM) }, .invalidKey)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .HS256, signingKey: Array("ssh-rsa AAAAB3NzaC1yc2E".utf8)) }, .invalidKey)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .HS256, signingKey: Array(#"{"kty":"oct","k":"abc"}"#.utf8)) }, .invalidKey)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .HS256, signingKey: []) }, .invalidKey)
        let short = try JWTCodec(algorithm: .HS256, signingKey: Array("short".utf8))
        XCTAssertEqual(short.warnings.count, 1)
        XCTAssertTrue(try hs256().warnings.isEmpty)

        // Wrong key type or curve for the algorithm.
        let rsa = try KeyGenerator.generate(.RS256)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .ES256, signingKey: rsa.secretOrPrivatePEM) }, .wrongKeyType)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .ES384, signingKey: ec.secretOrPrivatePEM) }, .wrongKeyType)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .RS256, signingKey: ec.secretOrPrivatePEM) }, .wrongKeyType)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .EdDSA, signingKey: ec.secretOrPrivatePEM) }, .wrongKeyType)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .RS256, signingKey: RFCKeys.rsa1024) }, .weakKey)
        // Verifying key from another pair.
        let other = try KeyGenerator.generate(.ES256)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .ES256, signingKey: ec.secretOrPrivatePEM, verifyingKey: other.publicPEM) },
                       .keyMismatch)
        // Not PEM at all, encrypted, certificates.
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .RS256, signingKey: Array("secret".utf8)) }, .invalidKey)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .RS256, signingKey: Array("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n".utf8)) }, .invalidKey)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .RS256, signingKey: Array("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n".utf8)) }, .invalidKey)
        XCTAssertEqual(joseCode { try JWTCodec(algorithm: .RS256, signingKey: []) }, .invalidKey)
    }

    func testPKCS1AndSEC1KeysAndLeadingParameters() throws {
        // PKCS#1 "RSA PRIVATE KEY" loads (1024 is refused for size, which proves it was parsed as RSA).
        XCTAssertEqual(try PEMKeyLoader.load(RFCKeys.rsa1024, what: "t").bits, 1024)
        // `openssl ecparam -genkey` style: EC PARAMETERS block before the key.
        let ec = try KeyGenerator.generate(.ES256)
        let withParams = Array("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n".utf8) + ec.secretOrPrivatePEM
        XCTAssertNoThrow(try JWTCodec(algorithm: .ES256, signingKey: withParams))
    }

    func testInspectorReadsWithoutVerifying() throws {
        let token = try hs256().sign(claims(["exp": .int(1)]))
        let jwt = try JWTInspector.decodeUnverified(token)
        XCTAssertEqual(jwt.claims["exp"], .int(1))
        XCTAssertEqual(jwt.header["alg"], "HS256")
        XCTAssertEqual(code { try JWTInspector.decodeUnverified("nope") }, .malformed)
    }

    func testCodecIsSafeToShareAcrossThreads() throws {
        let codec = try JWTCodec(algorithm: .ES256, signingKey: KeyGenerator.generate(.ES256).secretOrPrivatePEM)
        let hmac = try hs256()
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for n in 0..<50 {
                do {
                    for c in [codec, hmac] {
                        let t = try c.sign(["n": .int(Int64(i * 1000 + n))])
                        let back = try c.decode(t, validation: JWTValidation(), now: Self.now)
                        if back.claims["n"] != .int(Int64(i * 1000 + n)) { failures.add() }
                    }
                } catch {
                    failures.add()
                }
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() {
        lock.lock()
        n += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}
