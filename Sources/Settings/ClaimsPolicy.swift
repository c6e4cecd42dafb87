/// The options of the `claims:` section that are not providers. `claims:` has two shapes:
///
/// ```yaml
/// claims:                          # a list: the providers, with the defaults below
///   - provider: claims.static
///     claims: {tenant: acme}
///
/// claims:                          # a mapping: the providers plus options
///   providers:
///     - provider: claims.static
///       claims: {tenant: acme}
///   reevaluate_on_refresh: true
///   max_bytes: 4096
/// ```
public struct ClaimsPolicy: Sendable, Hashable {
    /// Ask the providers again at each refresh, so changed groups or roles reach new tokens without a new login.
    /// Off by default, as in SimpleJWT: claims are fixed at login and copied into every access token.
    public var reevaluateOnRefresh = false
    /// The most bytes all providers' claims may take together as compact JSON, so a runaway provider cannot
    /// bloat every token (and every request header that carries one).
    public var maxBytes = 4096

    public init() {}

    static let knownKeys = ["providers", "reevaluate_on_refresh", "max_bytes"]
    static let maxBytesRange = 64...(1 << 20)

    /// Decodes either shape; returns the raw provider entries (checked only for shape) and the options.
    static func decode(_ field: Field?, decoder: SettingsDecoder) -> (providers: [YAMLNode], policy: ClaimsPolicy) {
        var policy = ClaimsPolicy()
        guard let field, !field.value.isNull else { return ([], policy) }
        // One provider written without the list dash is a slip, not the options mapping: say so.
        guard field.value.mapping != nil, field.value["provider"] == nil else {
            return (decodeProviders(field, decoder: decoder), policy)
        }
        guard let fields = decoder.fields(of: field.value, errorMark: field.mark, path: "claims", known: knownKeys) else {
            return ([], policy)
        }
        if let flag = fields["reevaluate_on_refresh"], let value = decoder.bool(flag) {
            policy.reevaluateOnRefresh = value
        }
        if let limit = fields["max_bytes"], let value = decoder.integer(limit, in: maxBytesRange) {
            policy.maxBytes = value
        }
        return (decodeProviders(fields["providers"], decoder: decoder), policy)
    }

    /// Checks only the shape: a list of mappings, each naming a `provider`.
    private static func decodeProviders(_ field: Field?, decoder: SettingsDecoder) -> [YAMLNode] {
        guard let field, !field.value.isNull else { return [] }
        guard let items = field.value.sequence else {
            decoder.wrongType(field, expected: "a list of claim providers such as \"- provider: claims.static\"")
            return []
        }
        for (index, item) in items.enumerated() {
            let path = "claims[\(index)]"
            guard item.mapping != nil else {
                decoder.error(.wrongType, at: item.mark, path,
                              "expected a mapping such as \"provider: claims.static\", got \(item.kindDescription)")
                continue
            }
            guard let provider = item.mapping?.first(where: { $0.key.scalar == "provider" }) else {
                decoder.error(.missingValue, at: item.mark, path, "missing \"provider\", such as \"provider: claims.static\"")
                continue
            }
            let providerField = Field(key: provider.key, value: provider.value, path: path + ".provider")
            _ = decoder.string(providerField, expected: "a provider ID such as \"claims.static\"")
        }
        return items
    }
}
