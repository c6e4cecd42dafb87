import COpenSSL
import JSON

/// A key pair (or public key) checked against one algorithm, with sign/verify through EVP.
///
/// `@unchecked Sendable`: besides immutable values it owns `verifyTemplate`, which after init is only ever read
/// (copied) — OpenSSL's context copy does not modify its source.
final class AsymmetricKey: @unchecked Sendable {
    /// RFC 7518 §3.3 requires RSA keys of 2048 bits or more; authd enforces it for every RSA key it loads.
    static let minimumRSABits = 2048

    let pkey: PKey
    let algorithm: JWSAlgorithm
    /// An EVP_MD_CTX set up once for verifying (owned, freed in deinit). Copying it per token skips the
    /// algorithm fetch and context set-up that EVP_DigestVerifyInit_ex repeats on every call in OpenSSL 3;
    /// nil when this OpenSSL cannot duplicate the context, and then each verify initialises its own.
    private let verifyTemplate: OpaquePointer?

    init(pkey: PKey, algorithm: JWSAlgorithm, what: String) throws(JOSEError) {
        let id = pkey.baseID
        switch algorithm.family {
        case .rsaPKCS1, .rsaPSS:
            guard id == EVP_PKEY_RSA else { throw Self.wrongType(algorithm, what, "an RSA key") }
            guard pkey.bits >= Self.minimumRSABits else {
                throw JOSEError(code: .weakKey, message: "\(what) is a \(pkey.bits)-bit RSA key; \(algorithm) needs at least "
                    + "\(Self.minimumRSABits) bits (RFC 7518 §3.3). Generate a new one with `authd keys generate --algorithm \(algorithm)`")
            }
        case .ecdsa:
            guard id == EVP_PKEY_EC, let curve = algorithm.curve else { throw Self.wrongType(algorithm, what, "an EC key") }
            guard pkey.groupName == curve.openSSLName else {
                throw Self.wrongType(algorithm, what, "an EC key on curve \(curve.jwkName) (found \(pkey.groupName ?? "unknown"))")
            }
        case .eddsa:
            guard id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 else { throw Self.wrongType(algorithm, what, "an Ed25519 key") }
        case .hmac:
            throw JOSEError(code: .wrongKeyType, message: "\(algorithm) uses a shared secret, not a PEM key")
        }
        self.pkey = pkey
        self.algorithm = algorithm
        verifyTemplate = Self.makeTemplate(pkey: pkey, algorithm: algorithm)
    }

    deinit {
        if let verifyTemplate { EVP_MD_CTX_free(verifyTemplate) }
    }

    private static func makeTemplate(pkey: PKey, algorithm: JWSAlgorithm) -> OpaquePointer? {
        defer { ERR_clear_error() }
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        var pctx: OpaquePointer? = nil
        guard EVP_DigestVerifyInit_ex(ctx, &pctx, algorithm.digestName, nil, nil, pkey.raw, nil) == 1,
              algorithm.family != .rsaPSS || configurePSS(pctx),
              let probe = EVP_MD_CTX_new() else {
            EVP_MD_CTX_free(ctx)
            return nil
        }
        // Only keep the template if this OpenSSL can actually copy it (EdDSA contexts, for one, may not).
        let copies = EVP_MD_CTX_copy_ex(probe, ctx) == 1
        EVP_MD_CTX_free(probe)
        guard copies else {
            EVP_MD_CTX_free(ctx)
            return nil
        }
        return ctx
    }

    /// RFC 7518 §3.5: salt as long as the digest, MGF1 with the same hash (OpenSSL's default for MGF1).
    private static func configurePSS(_ pctx: OpaquePointer?) -> Bool {
        guard let pctx else { return false }
        return authd_EVP_PKEY_CTX_set_rsa_padding(pctx, authd_RSA_PKCS1_PSS_PADDING()) == 1
            && authd_EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, authd_RSA_PSS_SALTLEN_DIGEST()) == 1
    }

    private static func wrongType(_ algorithm: JWSAlgorithm, _ what: String, _ expected: String) -> JOSEError {
        JOSEError(code: .wrongKeyType, message: "\(what) does not fit ALGORITHM \(algorithm): it must be \(expected)")
    }

    private var digestName: String? { algorithm.digestName }

    /// Runs `body` with a digest-sign/verify context set up for the algorithm (including PSS parameters).
    private func withContext<R>(sign: Bool, _ body: (OpaquePointer) -> R?) -> R? {
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(ctx) }
        if !sign, let verifyTemplate, EVP_MD_CTX_copy_ex(ctx, verifyTemplate) == 1 {
            return body(ctx)
        }
        var pctx: OpaquePointer? = nil
        let initialised: Int32 = sign
            ? EVP_DigestSignInit_ex(ctx, &pctx, digestName, nil, nil, pkey.raw, nil)
            : EVP_DigestVerifyInit_ex(ctx, &pctx, digestName, nil, nil, pkey.raw, nil)
        guard initialised == 1 else { return nil }
        if algorithm.family == .rsaPSS {
            guard Self.configurePSS(pctx) else { return nil }
        }
        return body(ctx)
    }

    func sign(_ input: UnsafeBufferPointer<UInt8>) throws(JOSEError) -> [UInt8] {
        guard pkey.isPrivate else {
            throw JOSEError(code: .cannotSign, message: "only a public key is configured for \(algorithm), so authd can verify "
                + "tokens but not issue them; configure the private key as SIGNING_KEY")
        }
        let signature: [UInt8]? = withContext(sign: true) { ctx in
            var length = 0
            guard EVP_DigestSign(ctx, nil, &length, input.baseAddress, input.count) == 1 else { return nil }
            var out = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(ctx, &out, &length, input.baseAddress, input.count) == 1 else { return nil }
            out.removeLast(out.count - length)
            return out
        }
        guard let signature else { throw OpenSSL.failure("signing with \(algorithm)") }
        if let curve = algorithm.curve {
            guard let raw = ECDSASignature.rawFromDER(signature, width: curve.width) else {
                throw JOSEError(code: .cryptoFailure, message: "OpenSSL returned a malformed ECDSA signature")
            }
            return raw
        }
        return signature
    }

    func verify(_ input: UnsafeBufferPointer<UInt8>, signature: UnsafeBufferPointer<UInt8>) -> Bool {
        defer { ERR_clear_error() }  // a bad signature leaves errors behind that must not leak into later calls
        if let curve = algorithm.curve {
            // PyJWT also rejects any length but exactly 2 × the coordinate width.
            guard signature.count == 2 * curve.width else { return false }
            let der = ECDSASignature.derFromRaw(signature)
            return withContext(sign: false) { ctx in
                EVP_DigestVerify(ctx, der, der.count, input.baseAddress, input.count) == 1
            } ?? false
        }
        return withContext(sign: false) { ctx in
            EVP_DigestVerify(ctx, signature.baseAddress, signature.count, input.baseAddress, input.count) == 1
        } ?? false
    }

    /// The public JWK (RFC 7517) without `kid`/`alg`/`use`; members in RFC 7638 thumbprint order.
    func publicJWK() throws(JOSEError) -> JSONObject {
        let raw = pkey.raw
        switch algorithm.family {
        case .rsaPKCS1, .rsaPSS:
            let e = try OpenSSL.bignumParameter(raw, OSSL_PKEY_PARAM_RSA_E)
            let n = try OpenSSL.bignumParameter(raw, OSSL_PKEY_PARAM_RSA_N)
            return ["e": .string(Base64URL.encodeString(e)), "kty": "RSA", "n": .string(Base64URL.encodeString(n))]
        case .ecdsa:
            guard let curve = algorithm.curve else { return JSONObject() }
            let x = try OpenSSL.bignumParameter(raw, OSSL_PKEY_PARAM_EC_PUB_X, width: curve.width)
            let y = try OpenSSL.bignumParameter(raw, OSSL_PKEY_PARAM_EC_PUB_Y, width: curve.width)
            return ["crv": .string(curve.jwkName), "kty": "EC", "x": .string(Base64URL.encodeString(x)),
                    "y": .string(Base64URL.encodeString(y))]
        case .eddsa:
            var length = 0
            guard EVP_PKEY_get_raw_public_key(raw, nil, &length) == 1 else { throw OpenSSL.failure("EVP_PKEY_get_raw_public_key") }
            var x = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_get_raw_public_key(raw, &x, &length) == 1 else { throw OpenSSL.failure("EVP_PKEY_get_raw_public_key") }
            let crv = pkey.baseID == EVP_PKEY_ED448 ? "Ed448" : "Ed25519"
            return ["crv": .string(crv), "kty": "OKP", "x": .string(Base64URL.encodeString(x))]
        case .hmac:
            return JSONObject()
        }
    }

    /// RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url.
    func thumbprint() throws(JOSEError) -> String {
        let canonical = JSON.serialize(try publicJWK())
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_Digest(canonical, canonical.count, &digest, &length, EVP_sha256(), nil) == 1 else {
            throw OpenSSL.failure("SHA-256")
        }
        return Base64URL.encodeString(digest)
    }
}
