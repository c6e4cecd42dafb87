import JSON
import Plugins
import Settings
import Store

/// The `claims:` providers as TokenService sees them: runs the pipeline for a user, writes what it reports
/// to the log, and turns a fail-closed failure into 503 `{"detail": …}` (the reason goes to the log only).
public final class ProviderClaimsSource: UserClaimsSource {
    public let pipeline: ClaimsPipeline
    let store: Store
    let log: Logger

    public static let unavailable = APIError.detail(503, "Claims for this account are temporarily unavailable; retry shortly.",
                                                    headers: [("Retry-After", "1")])

    public init(pipeline: ClaimsPipeline, store: Store, log: Logger) {
        self.pipeline = pipeline
        self.store = store
        self.log = log
    }

    /// Builds and validates every configured provider: what `serve` and `check-config` both do.
    public static func build(_ components: ServiceComponents,
                             registry: ProviderRegistry) throws(ConfigurationFailure) -> ProviderClaimsSource {
        let settings = components.settings
        let environment = ProviderEnvironment(settingsFile: settings.sourcePath,
                                              reservedClaims: components.policy.reservedClaims, store: components.store)
        switch ClaimsPipeline.build(entries: settings.claims, policy: settings.claimsPolicy, registry: registry,
                                    environment: environment) {
        case .success(let pipeline):
            return ProviderClaimsSource(pipeline: pipeline, store: components.store, log: components.log)
        case .failure(let errors):
            throw ConfigurationFailure(errors.errors.map(\.description))
        }
    }

    public var reevaluatesOnRefresh: Bool { pipeline.policy.reevaluateOnRefresh && !pipeline.entries.isEmpty }

    public func claims(for user: User) throws(APIError) -> JSONObject {
        guard !pipeline.entries.isEmpty else { return [:] }
        let outcome = pipeline.evaluate(ClaimsSubject(user: user, store: store))
        for event in outcome.events {
            switch event.level {
            case .warning: log.warning("claims: \(event.message)")
            case .error: log.error("claims: \(event.message)")
            }
        }
        if outcome.refusal != nil { throw Self.unavailable }
        return outcome.claims
    }

    public func shutdown() { pipeline.shutdown() }
}
