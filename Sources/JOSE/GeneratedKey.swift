/// Fresh key material from `KeyGenerator`. For HS* the secret is printable text (what a key file holds);
/// otherwise an unencrypted PKCS#8 private key and its SPKI public key, both PEM.
public struct GeneratedKey: Sendable {
    public let secretOrPrivatePEM: [UInt8]
    public let publicPEM: [UInt8]?

    public init(secretOrPrivatePEM: [UInt8], publicPEM: [UInt8]?) {
        self.secretOrPrivatePEM = secretOrPrivatePEM
        self.publicPEM = publicPEM
    }
}
