import JSON

/// `claims.static`: the same claims in every token.
///
/// ```yaml
/// - provider: claims.static
///   claims: {tenant: acme, plan: {tier: 2, beta: true}, scopes: [read, write]}
/// ```
/// Values are any YAML that has a JSON form (see `YAMLScalar`). A reserved claim here is a configuration error.
public struct StaticClaimsProvider: ClaimsProvider {
    public static let summary = "fixed claims from the settings file (any JSON-compatible YAML values)"
    public static let mayBlock = false
    public static let optionKeys = ["claims"]

    public let claims: JSONObject

    public init(options: ProviderOptions) throws(PluginError) {
        let expected = "a mapping of claim names to values, such as {tenant: acme}"
        claims = try options.required("claims") { (key) throws(PluginError) in try options.jsonObject(key, expected: expected) }
        for (key, _) in options.value("claims")?.mapping ?? [] {
            let name = key.scalar ?? ""
            if options.environment.reservedClaims.contains(name) {
                throw options.error(.reservedClaim, "claims.\(name)", at: key.mark,
                                    "\"\(name)\" is a claim authd sets itself; a provider cannot set it")
            }
        }
    }

    public func claims(for subject: ClaimsSubject) throws(ClaimsFailure) -> JSONObject { claims }
}
