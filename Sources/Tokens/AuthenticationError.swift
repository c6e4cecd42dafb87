/// Why a request's access token does not authenticate it, in SimpleJWT `JWTAuthentication`'s words. The HTTP
/// layer renders each code (401 with JWTAuthentication's body, 503 for a temporary failure).
public struct AuthenticationError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case tokenNotValid, noUserIdentification, userNotFound, userInactive, passwordChanged, unavailable
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// `Given token not valid for any token type`; `detail` is the access token's own refusal ("Token is expired").
        public static let tokenNotValid = Code(.tokenNotValid)
        /// The token has no USER_ID_CLAIM.
        public static let noUserIdentification = Code(.noUserIdentification)
        public static let userNotFound = Code(.userNotFound)
        public static let userInactive = Code(.userInactive)
        /// CHECK_REVOKE_TOKEN: the token predates the user's current password.
        public static let passwordChanged = Code(.passwordChanged)
        /// The store failed (logged); retry shortly.
        public static let unavailable = Code(.unavailable)

        public var description: String { kind.rawValue }
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }

    static let noUserIdentification = AuthenticationError(.noUserIdentification,
                                                          "Token contained no recognizable user identification")
    static let userNotFound = AuthenticationError(.userNotFound, "User not found")
    static let userInactive = AuthenticationError(.userInactive, "User is inactive")
    static let passwordChanged = AuthenticationError(.passwordChanged, "The user's password has been changed.")
    static let unavailable = AuthenticationError(.unavailable, "The user store is temporarily unavailable; retry shortly.")
}
