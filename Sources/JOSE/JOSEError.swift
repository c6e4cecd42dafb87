/// A problem with keys or signing: raised while configuring a codec or generating keys, never for a bad token.
public struct JOSEError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case invalidKey, wrongKeyType, weakKey, keyMismatch, cannotSign, cryptoFailure
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// The key material cannot be read (not PEM, encrypted, an HMAC secret that looks like a key…).
        public static let invalidKey = Code(.invalidKey)
        /// The key is fine but of the wrong kind for the algorithm (an EC key for RS256, P-384 for ES256…).
        public static let wrongKeyType = Code(.wrongKeyType)
        /// The key is too small to be safe (RSA below 2048 bits).
        public static let weakKey = Code(.weakKey)
        /// The verifying key is not the public half of the signing key.
        public static let keyMismatch = Code(.keyMismatch)
        /// Only a public key was configured, so tokens can be verified but not issued.
        public static let cannotSign = Code(.cannotSign)
        /// OpenSSL failed where it should not; the message carries its error queue.
        public static let cryptoFailure = Code(.cryptoFailure)
        public var description: String { "\(kind)" }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: JOSEError, rhs: JOSEError) -> Bool { lhs.code == rhs.code }
}
