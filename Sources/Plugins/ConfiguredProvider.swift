/// One `claims:` entry, built and validated: the provider and the policy around it.
public struct ConfiguredProvider: Sendable {
    public let id: String
    /// How messages name the entry: `claims[1] (claims.command)`.
    public let label: String
    public let provider: any ClaimsProvider
    public let onError: ErrorPolicy
}
