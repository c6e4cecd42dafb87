import JSON

/// The token backend: one algorithm and its keys, signing and verifying compact JWTs the way SimpleJWT's
/// `TokenBackend` does with PyJWT. Build it once at start-up (keys are parsed here) and share it freely.
///
/// Keys:
/// - HS*: `signingKey` is the raw secret; `verifyingKey` is ignored (SimpleJWT verifies HS* with the signing
///   key too). `extraVerifyingKeys` are older secrets still accepted during a rotation.
/// - Asymmetric: PEM. Without `verifyingKey` the public key comes from the private `signingKey`; a public-only
///   `signingKey` (or an empty one plus `verifyingKey`) gives a verify-only codec. `extraVerifyingKeys` are
///   further public (or private) PEMs accepted for verification and published in `jwks`.
///
/// Key ids: a token's `kid` that names a configured key selects that key; a token without `kid` (SimpleJWT
/// never sets one) or with an unknown `kid` is tried against every configured key, primary first, just as
/// PyJWT ignores `kid` when given a fixed key.
public final class JWTCodec: Sendable {
    public let algorithm: JWSAlgorithm
    public let keyID: String?
    /// Non-fatal advice about the keys (a short HMAC secret), for the caller to log.
    public let warnings: [String]
    /// Public JWKs (with `kid`, `alg`, `use`) of every asymmetric verifying key; empty for HS*.
    public let jwks: [JSONObject]

    private let signer: Key?
    private let verifiers: [Verifier]
    /// base64url of the fixed header, computed once.
    private let encodedHeader: [UInt8]

    private enum Key: Sendable {
        case hmac(HMACKey)
        case asymmetric(AsymmetricKey)

        func sign(_ input: UnsafeBufferPointer<UInt8>) throws(JOSEError) -> [UInt8] {
            switch self {
            case .hmac(let k): return try k.mac(input)
            case .asymmetric(let k): return try k.sign(input)
            }
        }

        func verify(_ input: UnsafeBufferPointer<UInt8>, _ signature: UnsafeBufferPointer<UInt8>) -> Bool {
            switch self {
            case .hmac(let k): return k.verify(input, signature: signature)
            case .asymmetric(let k): return k.verify(input, signature: signature)
            }
        }
    }

    private struct Verifier: Sendable {
        let keyID: String?
        let key: Key
    }

    public init(
        algorithm: JWSAlgorithm, signingKey: [UInt8], verifyingKey: [UInt8]? = nil, keyID: String? = nil,
        extraVerifyingKeys: [(keyID: String?, pem: [UInt8])] = []
    ) throws(JOSEError) {
        self.algorithm = algorithm
        self.keyID = keyID
        var warnings: [String] = []
        var verifiers: [Verifier] = []

        if algorithm.isSymmetric {
            let key = try HMACKey(secret: signingKey, algorithm: algorithm)
            if signingKey.count < algorithm.digestLength {
                warnings.append("The HMAC key is \(signingKey.count) bytes long, which is below the minimum recommended "
                    + "length of \(algorithm.digestLength) bytes for \(algorithm) (RFC 7518 §3.2)")
            }
            signer = .hmac(key)
            verifiers.append(Verifier(keyID: keyID, key: .hmac(key)))
            for extra in extraVerifyingKeys {
                let old = try HMACKey(secret: extra.pem, algorithm: algorithm)
                verifiers.append(Verifier(keyID: extra.keyID, key: .hmac(old)))
            }
            jwks = []
        } else {
            var signing: AsymmetricKey? = nil
            if !signingKey.isEmpty {
                signing = try AsymmetricKey(pkey: PEMKeyLoader.load(signingKey, what: "SIGNING_KEY"), algorithm: algorithm,
                                            what: "SIGNING_KEY")
            }
            var verifying = signing
            if let verifyingKey, !verifyingKey.isEmpty {
                let v = try AsymmetricKey(pkey: PEMKeyLoader.load(verifyingKey, what: "VERIFYING_KEY"), algorithm: algorithm,
                                          what: "VERIFYING_KEY")
                if let signing, !v.pkey.hasSamePublicKey(as: signing.pkey) {
                    throw JOSEError(code: .keyMismatch, message: "VERIFYING_KEY is not the public key of SIGNING_KEY, so "
                        + "tokens authd issues would never verify; fix either key or omit VERIFYING_KEY to derive it")
                }
                verifying = v
            }
            guard let primary = verifying else {
                throw JOSEError(code: .invalidKey, message: "no key configured for \(algorithm): set SIGNING_KEY(_FILE) "
                    + "to a PEM private key (or VERIFYING_KEY(_FILE) for a verify-only setup)")
            }
            signer = signing.flatMap { $0.pkey.isPrivate ? .asymmetric($0) : nil }
            var published: [JSONObject] = []
            var entries: [(String?, AsymmetricKey)] = [(keyID, primary)]
            for (n, extra) in extraVerifyingKeys.enumerated() {
                let what = "extra verifying key #\(n + 1)" + (extra.keyID.map { " (kid \($0))" } ?? "")
                let k = try AsymmetricKey(pkey: PEMKeyLoader.load(extra.pem, what: what), algorithm: algorithm, what: what)
                entries.append((extra.keyID, k))
            }
            for (kid, k) in entries {
                verifiers.append(Verifier(keyID: kid, key: .asymmetric(k)))
                let members = try k.publicJWK()
                let thumbprint = try k.thumbprint()
                var jwk: JSONObject = ["kty": members["kty"] ?? .null, "use": "sig", "alg": .string(algorithm.rawValue),
                                       "kid": .string(kid ?? thumbprint)]
                for (name, value) in members where name != "kty" { jwk[name] = value }
                published.append(jwk)
            }
            jwks = published
        }
        self.verifiers = verifiers
        self.warnings = warnings

        // PyJWT writes the header with sorted keys: {"alg":…,"kid":…,"typ":"JWT"}.
        var header: JSONObject = ["alg": .string(algorithm.rawValue)]
        if let keyID { header["kid"] = .string(keyID) }
        header["typ"] = "JWT"
        encodedHeader = Base64URL.encode(JSON.serialize(header))
    }

    /// True when this codec holds a private key or secret and so can issue tokens.
    public var canSign: Bool { signer != nil }

    /// Signs `claims` as a compact JWT. The payload is serialised as PyJWT does (compact, `ensure_ascii`), in
    /// the object's key order.
    public func sign(_ claims: JSONObject) throws(JOSEError) -> String {
        guard let signer else {
            throw JOSEError(code: .cannotSign, message: "only a public key is configured for \(algorithm), so authd can "
                + "verify tokens but not issue them; configure the private key as SIGNING_KEY")
        }
        var token = encodedHeader
        token.append(UInt8(ascii: "."))
        Base64URL.encode(JSON.serialize(claims, escapeNonASCII: true), into: &token)
        let signature = try token.withUnsafeBufferPointer { input in
            Result { () throws(JOSEError) in try signer.sign(input) }
        }.get()
        token.append(UInt8(ascii: "."))
        Base64URL.encode(signature, into: &token)
        return String(decoding: token, as: UTF8.self)
    }

    /// Verifies and validates `token` as PyJWT's `jwt.decode(token, key, algorithms=[ALGORITHM], audience=…,
    /// issuer=…, leeway=…)` would at time `now` (Unix seconds), returning its header and claims.
    public func decode(_ token: String, validation: JWTValidation, now: Int64) throws(JWTDecodeError) -> JWT {
        var token = token
        let result: Result<JWT, JWTDecodeError> = token.withUTF8 { bytes in
            Result { () throws(JWTDecodeError) in try decode(bytes, validation: validation, now: now) }
        }
        return try result.get()
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, validation: JWTValidation, now: Int64) throws(JWTDecodeError) -> JWT {
        let parts = try CompactToken(bytes)

        guard let alg = parts.header["alg"] else {
            throw JWTDecodeError(code: .invalidAlgorithm, message: "Algorithm not specified")
        }
        guard alg.stringValue == algorithm.rawValue else {
            throw JWTDecodeError(code: .invalidAlgorithm, message: "The specified alg value is not allowed")
        }

        let input = UnsafeBufferPointer(rebasing: bytes[..<parts.signingInputLength])
        let verified = parts.signature.withUnsafeBufferPointer { signature -> Bool in
            let kid = parts.header["kid"]?.stringValue
            if let kid, let chosen = verifiers.first(where: { $0.keyID == kid }) {
                return chosen.key.verify(input, signature)
            }
            return verifiers.contains { $0.key.verify(input, signature) }
        }
        guard verified else {
            throw JWTDecodeError(code: .invalidSignature, message: "Signature verification failed")
        }

        let claims = try parts.claims()
        try ClaimsValidator.validate(claims, validation, now: now)
        return JWT(header: parts.header, claims: claims)
    }
}
