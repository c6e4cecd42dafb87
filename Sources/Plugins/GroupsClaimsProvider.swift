import JSON

/// `claims.groups`: the names of the user's groups (`authd group add`, `authd user groups`), sorted.
///
/// ```yaml
/// - provider: claims.groups
///   claim: roles          # default "groups"
/// ```
public struct GroupsClaimsProvider: ClaimsProvider {
    public static let summary = "the user's group names from the store, as a list (authd group, authd user groups)"
    public static let optionKeys = ["claim"]

    public let claim: String

    public init(options: ProviderOptions) throws(PluginError) {
        claim = try options.string("claim", expected: "a claim name such as \"groups\"") ?? "groups"
        if options.environment.reservedClaims.contains(claim) {
            throw options.error(.reservedClaim, "claim", "\"\(claim)\" is a claim authd sets itself; choose another claim name")
        }
    }

    public func claims(for subject: ClaimsSubject) throws(ClaimsFailure) -> JSONObject {
        [claim: .array(try subject.groups().map { .string($0) })]
    }
}
