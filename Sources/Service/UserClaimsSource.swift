import JSON
import Store

/// Where extra claims for a user come from (the `claims:` providers). Throwing an `APIError` refuses the token.
/// `claims(for:)` may block briefly (a `claims.command` hook): TokenService calls it on the hashing pool only.
public protocol UserClaimsSource: Sendable {
    func claims(for user: User) throws(APIError) -> JSONObject
    /// Ask again at each refresh, replacing the claims the refresh token carries (`claims.reevaluate_on_refresh`).
    var reevaluatesOnRefresh: Bool { get }
}

extension UserClaimsSource {
    public var reevaluatesOnRefresh: Bool { false }
}
