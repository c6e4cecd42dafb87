import JSON
import Store

/// A request authenticated by its access token: who it is, and the token's claims (for the proxy's headers and
/// authorization rules).
public struct AuthenticatedUser: Sendable {
    /// The USER_ID_CLAIM as text ("42", or a username with USER_ID_FIELD: username).
    public let userID: String
    public let claims: JSONObject
}

/// SimpleJWT's `JWTAuthentication` (or, without the user check, `JWTStatelessUserAuthentication`) as a domain
/// operation: the access token is validated exactly as `AccessToken(raw)` does (not against the blacklist, as in
/// SimpleJWT), then the user it names must exist, be active and, with CHECK_REVOKE_TOKEN, still have the password
/// the token was minted with. Users come from an in-memory `UserActivityView`, so a steady stream of requests
/// never reads the disk. It never refreshes anything.
public final class RequestAuthenticator: Sendable {
    public typealias Completion = @Sendable (Result<AuthenticatedUser, AuthenticationError>) -> Void

    private let service: TokenService
    /// nil: stateless (`forward_auth.check_user: false`).
    private let users: UserActivityView?
    public let policy: TokenPolicy

    public init(service: TokenService, users: UserActivityView?) {
        self.service = service
        self.users = users
        self.policy = service.policy
    }

    public func authenticate(_ raw: String, completion: @escaping Completion) {
        service.validate(raw, as: .access, now: service.clock.now(), memo: true) { [self] validated in
            let token: JSONObject
            switch validated {
            case .success(let value): token = value
            case .failure(let error): return completion(.failure(AuthenticationError(.tokenNotValid, error.detail)))
            }
            guard let claim = token[policy.userIDClaim] else { return completion(.failure(.noUserIdentification)) }
            let authenticated = AuthenticatedUser(userID: Self.text(of: claim), claims: token)
            guard let users else { return completion(.success(authenticated)) }
            let key: UserActivityView.Key?
            switch policy.userIDField {
            case .id: key = claimInteger(claim).map { .id($0) }
            case .username: key = claim.stringValue.map { .username($0) }
            }
            // Django finds no user for a null or non-matching id (and answers 500 for a non-numeric one).
            guard let key else { return completion(.failure(.userNotFound)) }
            users.standing(of: key) { [service, policy] found in
                switch found {
                case .failure(let error):
                    _ = service.storeFailure(error)
                    completion(.failure(.unavailable))
                case .success(nil):
                    completion(.failure(.userNotFound))
                case .success(let standing?):
                    if policy.checkUserIsActive && !standing.isActive { return completion(.failure(.userInactive)) }
                    if policy.checkRevokeToken, token[policy.revokeTokenClaim] != .string(standing.passwordDigest) {
                        return completion(.failure(.passwordChanged))
                    }
                    completion(.success(authenticated))
                }
            }
        }
    }

    /// A claim as a header or log shows it: strings as they are, anything else as compact JSON.
    static func text(of value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return JSON.serializeString(value)
    }
}
