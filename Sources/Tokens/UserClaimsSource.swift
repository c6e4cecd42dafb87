import JSON
import Store

/// Where extra claims for a user come from (the `claims:` providers). Throwing refuses the token.
public protocol UserClaimsSource: Sendable {
    /// The claims for `user`. May block briefly when `mayBlock` (a `claims.command` hook, a store read):
    /// TokenService then calls it on its claims pool only.
    func claims(for user: User) throws(TokenError) -> JSONObject
    /// Ask again at each refresh, replacing the claims the refresh token carries (`claims.reevaluate_on_refresh`).
    var reevaluatesOnRefresh: Bool { get }
    /// Whether `claims(for:)` can block (run a process, read the store). When false it runs inline.
    var mayBlock: Bool { get }
}

/// No providers configured: no extra claims.
public struct NoClaims: UserClaimsSource {
    public init() {}
    public func claims(for user: User) throws(TokenError) -> JSONObject { [:] }
    public var reevaluatesOnRefresh: Bool { false }
    public var mayBlock: Bool { false }
}
