import JSON
import TestSupport
import XCTest

@testable import JOSE

/// Interoperability with PyJWT (what SimpleJWT uses), in both directions, for all 13 algorithms.
/// Needs `pip install pyjwt cryptography` (Tests/requirements.txt); fails — never skips — without it.
final class PyJWTInteropTests: XCTestCase {
    static let now = Int64(Date().timeIntervalSince1970)

    static let script = #"""
import json, sys, jwt
from cryptography.hazmat.primitives import serialization as s
cases = json.load(sys.stdin)
out = []
for c in cases:
    alg = c["alg"]
    if alg.startswith("HS"):
        sign_key = verify_key = c["secret"]
    else:
        sign_key, verify_key = c["private"], c["public"]
    decoded = jwt.decode(c["token"], verify_key, algorithms=[alg], audience=c.get("aud"), issuer=c.get("iss"),
                         options={"verify_aud": c.get("aud") is not None})
    theirs = jwt.encode(c["claims"], sign_key, algorithm=alg, headers={"kid": c["kid"]} if "kid" in c else None)
    r = {"alg": alg, "decoded": decoded, "token": theirs}
    if alg.startswith("RS"):
        k = s.load_pem_private_key(c["private"].encode(), None)
        r["pkcs1_private"] = k.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption()).decode()
        r["pkcs1_public"] = k.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.PKCS1).decode()
    if alg.startswith("ES"):
        k = s.load_pem_private_key(c["private"].encode(), None)
        r["sec1_private"] = k.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption()).decode()
    out.append(r)
json.dump(out, sys.stdout)
"""#

    func testBothDirectionsForAllAlgorithms() throws {
        try Python.requirePyJWT()
        let claims: JSONObject = [
            "token_type": "access", "exp": .int(Self.now + 600), "iat": .int(Self.now),
            "jti": "9f0e1d2c3b4a59687766554433221100", "user_id": "42", "name": "Zoë 😀 \"quoted\"",
            "aud": "api", "iss": "https://auth.example",
        ]
        var cases: [JSONValue] = []
        var codecs: [JWSAlgorithm: JWTCodec] = [:]
        var tokens: [JWSAlgorithm: String] = [:]
        for algorithm in JWSAlgorithm.allCases {
            let key = try KeyGenerator.generate(algorithm)
            let codec = try JWTCodec(algorithm: algorithm, signingKey: key.secretOrPrivatePEM)
            codecs[algorithm] = codec
            let token = try codec.sign(claims)
            tokens[algorithm] = token
            var c: JSONObject = ["alg": .string(algorithm.rawValue), "token": .string(token), "claims": .object(claims),
                                 "aud": ["api", "web"], "iss": "https://auth.example"]
            // Asymmetric tokens carry the key's thumbprint as kid; PyJWT is given the same header.
            if let kid = codec.keyID { c["kid"] = .string(kid) }
            if algorithm.isSymmetric {
                c["secret"] = .string(String(decoding: key.secretOrPrivatePEM, as: UTF8.self))
            } else {
                c["private"] = .string(String(decoding: key.secretOrPrivatePEM, as: UTF8.self))
                c["public"] = .string(String(decoding: try XCTUnwrap(key.publicPEM), as: UTF8.self))
            }
            cases.append(.object(c))
        }

        let result = try Python.run(script: Self.script, stdin: JSON.serialize(.array(cases)))
        XCTAssertEqual(result.status, 0, "PyJWT failed: \(result.stderr)")
        guard result.status == 0 else { return }
        let answers = try XCTUnwrap(JSON.parse(result.stdout).arrayValue)
        XCTAssertEqual(answers.count, JWSAlgorithm.allCases.count)

        let validation = JWTValidation(audience: ["web", "api"], issuer: "https://auth.example")
        for answer in answers {
            let a = try XCTUnwrap(answer.objectValue)
            let algorithm = try XCTUnwrap(a["alg"]?.stringValue.flatMap(JWSAlgorithm.init(rawValue:)))
            let codec = try XCTUnwrap(codecs[algorithm])
            // PyJWT accepted our token and read back the same claims.
            XCTAssertEqual(a["decoded"]?.objectValue, claims, "PyJWT decoding authd's \(algorithm) token")
            // We accept PyJWT's token.
            let theirs = try XCTUnwrap(a["token"]?.stringValue)
            XCTAssertEqual(try codec.decode(theirs, validation: validation, now: Self.now).claims, claims, "\(algorithm)")
            // Deterministic algorithms must produce byte-identical tokens (same header, same payload JSON).
            if [.HS256, .HS384, .HS512, .RS256, .RS384, .RS512, .EdDSA].contains(algorithm) {
                XCTAssertEqual(theirs, tokens[algorithm], "authd and PyJWT disagree on the exact \(algorithm) token")
            }
            // Other PEM layouts written by `cryptography` load and verify.
            if let pkcs1 = a["pkcs1_private"]?.stringValue, let pkcs1Public = a["pkcs1_public"]?.stringValue {
                XCTAssertTrue(pkcs1.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
                XCTAssertTrue(pkcs1Public.hasPrefix("-----BEGIN RSA PUBLIC KEY-----"))
                let c = try JWTCodec(algorithm: algorithm, signingKey: Array(pkcs1.utf8), verifyingKey: Array(pkcs1Public.utf8))
                XCTAssertNoThrow(try c.decode(theirs, validation: validation, now: Self.now))
            }
            if let sec1 = a["sec1_private"]?.stringValue {
                XCTAssertTrue(sec1.hasPrefix("-----BEGIN EC PRIVATE KEY-----"))
                let c = try JWTCodec(algorithm: algorithm, signingKey: Array(sec1.utf8))
                XCTAssertNoThrow(try c.decode(theirs, validation: validation, now: Self.now))
            }
        }
    }

    /// Edge cases where authd must answer exactly as PyJWT does (accept vs. expired vs. other error).
    func testClaimEdgeCasesAgreeWithPyJWT() throws {
        try Python.requirePyJWT()
        let secret = "interop-secret-interop-secret-interop-secret-0123456789"
        let codec = try JWTCodec(algorithm: .HS256, signingKey: Array(secret.utf8))
        let now = Self.now
        let variants: [JSONObject] = [
            ["exp": .int(now + 100)],
            ["exp": .int(now - 100)],
            ["exp": .double(Double(now) + 100.9)],
            ["exp": .string("\(now + 100)")],
            ["exp": "tomorrow"],
            ["exp": .bool(true)],
            ["nbf": .int(now + 100)],
            ["iat": .int(now + 100)],
            ["iat": .int(now + 100), "exp": .int(now - 100)],
            ["iat": "x"],
            ["aud": "other"],
            ["aud": ["api", 3]],
            ["aud": []],
            ["iss": "https://evil"],
            ["sub": 12],
            ["jti": .null],
        ]
        var tokens: [JSONValue] = []
        for v in variants {
            var c: JSONObject = ["aud": "api", "iss": "https://auth.example"]
            for (k, x) in v { c[k] = x }
            tokens.append(.string(try codec.sign(c)))
        }
        let script = """
import json, sys, jwt
out = []
for t in json.load(sys.stdin):
    try:
        jwt.decode(t, \(JSON.serializeString(.string(secret))), algorithms=["HS256"], audience=["api"], issuer="https://auth.example", leeway=0)
        out.append("ok")
    except jwt.ExpiredSignatureError:
        out.append("expired")
    except jwt.InvalidTokenError as e:
        out.append("invalid")
json.dump(out, sys.stdout)
"""
        let result = try Python.run(script: script, stdin: JSON.serialize(.array(tokens)))
        XCTAssertEqual(result.status, 0, result.stderr)
        guard result.status == 0 else { return }
        let python = try XCTUnwrap(JSON.parse(result.stdout).arrayValue).map { $0.stringValue ?? "?" }
        let validation = JWTValidation(audience: ["api"], issuer: "https://auth.example")
        for (i, token) in tokens.enumerated() {
            let ours: String
            do {
                _ = try codec.decode(token.stringValue ?? "", validation: validation, now: now)
                ours = "ok"
            } catch {
                ours = error.isExpired ? "expired" : "invalid"
            }
            XCTAssertEqual(ours, python[i], "claims \(variants[i])")
        }
    }
}
