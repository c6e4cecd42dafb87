import JSON

/// The token backend: one signing algorithm and its key, plus any number of verify-only keys, signing and
/// verifying compact JWTs the way SimpleJWT's `TokenBackend` does with PyJWT. Build it once (keys are parsed
/// here) and share it freely.
///
/// Keys:
/// - HS*: `signingKey` is the raw secret; `verifyingKey` is ignored (SimpleJWT verifies HS* with the signing
///   key too).
/// - Asymmetric: PEM. Without `verifyingKey` the public key comes from the private `signingKey`; a public-only
///   `signingKey` (or an empty one plus `verifyingKey`) gives a verify-only codec.
/// - `extraVerifyingKeys`: keys accepted for verification only (the next key of a rotation, retired ones), each
///   with its own algorithm: a secret for HS*, a public (or private) PEM otherwise. Asymmetric ones are
///   published in `jwks`; secrets never are.
///
/// Key ids (`kid`): an asymmetric key's id is the configured one or else its RFC 7638 thumbprint; an HMAC secret
/// has an id only when one is configured (a thumbprint would publish a hash of the secret, and SimpleJWT's HS*
/// header has no `kid`). Tokens carry the signing key's id when it has one. A token with a `kid` is checked
/// against that key only, with that key's algorithm, and refused when no key has that id; a token without `kid`
/// (SimpleJWT never sets one) is checked against the keys of the configured algorithm. No key is ever used with
/// another algorithm than its own: that is what stops algorithm confusion.
public final class JWTCodec: Sendable {
    /// A verify-only key: what `keys.verifying` entries configure.
    public struct ExtraKey: Sendable {
        public var algorithm: JWSAlgorithm
        public var keyID: String?
        /// The HMAC secret, or PEM text.
        public var material: [UInt8]
        /// Names the key in messages ("keys.verifying[1]").
        public var name: String

        public init(algorithm: JWSAlgorithm, keyID: String? = nil, material: [UInt8], name: String = "extra verifying key") {
            self.algorithm = algorithm
            self.keyID = keyID
            self.material = material
            self.name = name
        }
    }

    public let algorithm: JWSAlgorithm
    /// The `kid` of the signing key, written into every token's header; nil for an HMAC secret without a
    /// configured id.
    public let keyID: String?
    /// Non-fatal advice about the keys (a short HMAC secret), for the caller to log.
    public let warnings: [String]
    /// Public JWKs (with `kid`, `alg`, `use`) of every asymmetric verifying key, the signing key's first.
    public let jwks: [JSONObject]
    /// Every verifying key as (kid, algorithm), the signing key's first, for logs and `keys rotate`.
    public let verifyingKeyIDs: [(keyID: String?, algorithm: JWSAlgorithm)]

    private let signer: Key?
    private let verifiers: [Verifier]
    /// base64url of the fixed header, computed once.
    private let encodedHeader: [UInt8]
    /// Recently verified tokens, for `decode(…, memo: true)`; this codec's keys never change, so neither do they.
    private let verified = VerifiedTokenMemo(capacity: JWTCodec.memoCapacity)

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
        let algorithm: JWSAlgorithm
        let key: Key
    }

    public init(
        algorithm: JWSAlgorithm, signingKey: [UInt8], verifyingKey: [UInt8]? = nil, keyID: String? = nil,
        extraVerifyingKeys: [ExtraKey] = []
    ) throws(JOSEError) {
        self.algorithm = algorithm
        var warnings: [String] = []
        var verifiers: [Verifier] = []
        var published: [JSONObject] = []

        if algorithm.isSymmetric {
            let key = try HMACKey(secret: signingKey, algorithm: algorithm)
            if signingKey.count < algorithm.digestLength {
                warnings.append("The HMAC key is \(signingKey.count) bytes long, which is below the minimum recommended "
                    + "length of \(algorithm.digestLength) bytes for \(algorithm) (RFC 7518 §3.2)")
            }
            signer = .hmac(key)
            verifiers.append(Verifier(keyID: keyID, algorithm: algorithm, key: .hmac(key)))
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
            let kid = try Self.keyID(keyID, of: primary)
            verifiers.append(Verifier(keyID: kid, algorithm: algorithm, key: .asymmetric(primary)))
            published.append(try Self.jwk(primary, kid: kid))
        }
        for extra in extraVerifyingKeys {
            let what = extra.name + (extra.keyID.map { " (kid \($0))" } ?? "")
            if extra.algorithm.isSymmetric {
                let key = try HMACKey(secret: extra.material, algorithm: extra.algorithm)
                verifiers.append(Verifier(keyID: extra.keyID, algorithm: extra.algorithm, key: .hmac(key)))
            } else {
                let key = try AsymmetricKey(pkey: PEMKeyLoader.load(extra.material, what: what), algorithm: extra.algorithm,
                                            what: what)
                let kid = try Self.keyID(extra.keyID, of: key)
                verifiers.append(Verifier(keyID: kid, algorithm: extra.algorithm, key: .asymmetric(key)))
                published.append(try Self.jwk(key, kid: kid))
            }
        }
        var seen: Set<String> = []
        for verifier in verifiers {
            guard let kid = verifier.keyID else { continue }
            guard seen.insert(kid).inserted else {
                throw JOSEError(code: .invalidKey, message: "two verifying keys have the kid \"\(kid)\" (the same key "
                    + "configured twice, or a repeated id); a token names its key by kid, so ids must be unique")
            }
        }
        self.keyID = verifiers[0].keyID
        self.verifiers = verifiers
        self.jwks = published
        self.verifyingKeyIDs = verifiers.map { ($0.keyID, $0.algorithm) }
        self.warnings = warnings

        // PyJWT writes the header with sorted keys: {"alg":…,"kid":…,"typ":"JWT"}.
        var header: JSONObject = ["alg": .string(algorithm.rawValue)]
        if let kid = self.keyID { header["kid"] = .string(kid) }
        header["typ"] = "JWT"
        encodedHeader = Base64URL.encode(JSON.serialize(header))
    }

    /// The configured id, or else the RFC 7638 thumbprint.
    private static func keyID(_ configured: String?, of key: AsymmetricKey) throws(JOSEError) -> String {
        if let configured { return configured }
        return try key.thumbprint()
    }

    private static func jwk(_ key: AsymmetricKey, kid: String) throws(JOSEError) -> JSONObject {
        let members = try key.publicJWK()
        var jwk: JSONObject = ["kty": members["kty"] ?? .null, "use": "sig", "alg": .string(key.algorithm.rawValue),
                               "kid": .string(kid)]
        for (name, value) in members where name != "kty" { jwk[name] = value }
        return jwk
    }

    /// True when this codec holds a private key or secret and so can issue tokens.
    public var canSign: Bool { signer != nil }

    /// Signs `claims` as a compact JWT. The payload is serialised as PyJWT does (compact, `ensure_ascii`), in
    /// the object's key order.
    public func sign(_ claims: JSONObject) throws(JOSEError) -> String {
        try sign(claims, encodedHeader: encodedHeader)
    }

    /// Signs with any header: for tests that need a token this codec's own header would not carry.
    func sign(_ claims: JSONObject, header: JSONObject) throws(JOSEError) -> String {
        try sign(claims, encodedHeader: Base64URL.encode(JSON.serialize(header)))
    }

    private func sign(_ claims: JSONObject, encodedHeader: [UInt8]) throws(JOSEError) -> String {
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
    ///
    /// `memo: true` (forward auth, which sees the same access token on every request of a browser) looks the token
    /// up among the ones this codec verified recently and, on a hit, only runs the claims checks again; a token that
    /// passes is kept for the next time. The answer is the same either way.
    public func decode(_ token: String, validation: JWTValidation, now: Int64, memo: Bool = false) throws(JWTDecodeError) -> JWT {
        if memo, let known = verified.lookup(token) {
            try ClaimsValidator.validate(known.claims, validation, now: now)
            return known
        }
        var bytes = token
        let result: Result<JWT, JWTDecodeError> = bytes.withUTF8 { bytes in
            Result { () throws(JWTDecodeError) in try decode(bytes, validation: validation, now: now) }
        }
        let jwt = try result.get()
        if memo { verified.remember(token, jwt) }
        return jwt
    }

    /// Tokens verified with `memo: true`: up to twice this many are kept (a few MB at most).
    public static let memoCapacity = 2048

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, validation: JWTValidation, now: Int64) throws(JWTDecodeError) -> JWT {
        let parts = try CompactToken(bytes)

        guard let alg = parts.header["alg"] else {
            throw JWTDecodeError(code: .invalidAlgorithm, message: "Algorithm not specified")
        }
        let input = UnsafeBufferPointer(rebasing: bytes[..<parts.signingInputLength])
        let verified: Bool
        if let kid = parts.header["kid"]?.stringValue {
            guard let chosen = verifiers.first(where: { $0.keyID == kid }) else {
                throw JWTDecodeError(code: .invalidSignature, message: "No verifying key has the kid \"\(kid)\"")
            }
            // The key's own algorithm, never the one the token asks for.
            guard alg.stringValue == chosen.algorithm.rawValue else {
                throw JWTDecodeError(code: .invalidAlgorithm, message: "The specified alg value is not allowed")
            }
            verified = parts.signature.withUnsafeBufferPointer { chosen.key.verify(input, $0) }
        } else {
            guard alg.stringValue == algorithm.rawValue else {
                throw JWTDecodeError(code: .invalidAlgorithm, message: "The specified alg value is not allowed")
            }
            verified = parts.signature.withUnsafeBufferPointer { signature in
                verifiers.contains { $0.algorithm == algorithm && $0.key.verify(input, signature) }
            }
        }
        guard verified else {
            throw JWTDecodeError(code: .invalidSignature, message: "Signature verification failed")
        }

        let claims = try parts.claims()
        try ClaimsValidator.validate(claims, validation, now: now)
        return JWT(header: parts.header, claims: claims)
    }
}
