import JSON
import Store

/// Where extra claims for a user come from (the `claims:` providers). Throwing an `APIError` refuses the token.
public protocol UserClaimsSource: Sendable {
    func claims(for user: User) throws(APIError) -> JSONObject
}
