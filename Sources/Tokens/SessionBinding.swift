import COpenSSL

/// The CSRF token of a cookie session: an HMAC-SHA256 over the session token's `jti` under a key derived from
/// the signing key with a fixed label. It survives restarts (same signing key, same value), changes with every
/// rotation (new jti), and cannot be made up by anyone without the key — so a CSRF cookie planted from a sibling
/// subdomain never matches the refresh token the browser really holds.
public struct SessionBinding: Sendable {
    private let key: [UInt8]

    /// `signingKey` is the key material as configured (HMAC secret or PEM private key).
    public init(signingKey: [UInt8]) {
        key = Self.hmac(key: signingKey, Array("authd session binding: csrf v1".utf8))
    }

    /// The CSRF token for the session whose token has this jti (64 lowercase hex digits).
    public func csrfToken(forSession jti: String) -> String {
        TokenIdentifiers.hex(Self.hmac(key: key, Array(jti.utf8)), uppercase: false)
    }

    /// Whether `presented` is the CSRF token of the session `jti`, compared in constant time.
    public func accepts(_ presented: String, forSession jti: String) -> Bool {
        let expected = Array(csrfToken(forSession: jti).utf8)
        let given = Array(presented.utf8)
        guard given.count == expected.count else { return false }
        return CRYPTO_memcmp(given, expected, expected.count) == 0
    }

    private static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let ok = key.withUnsafeBytes { keyBytes in
            EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, keyBytes.baseAddress, keyBytes.count, data, data.count,
                      &out, out.count, &length) != nil
        }
        // HMAC-SHA256 over memory fails only when OpenSSL cannot allocate a few bytes.
        precondition(ok && length == 32, "HMAC-SHA256 failed")
        return out
    }
}
