import JSON
import Logging
import Plugins
import Settings
import Store
import Tokens

/// The `claims:` providers as the token domain sees them: runs the pipeline for a user, writes what it reports
/// to the log, and turns a fail-closed failure into a refusal (the reason goes to the log only).
public final class ProviderClaimsSource: UserClaimsSource {
    public let pipeline: ClaimsPipeline
    let store: (any UserStore)?
    let log: Logger

    init(pipeline: ClaimsPipeline, store: (any UserStore)?, log: Logger) {
        self.pipeline = pipeline
        self.store = store
        self.log = log
    }

    /// Builds and validates every configured provider: what `serve` and `check-config` both do. Construction and
    /// validation have no side effects on the store; `store` is what providers read at run time (nil: check only).
    static func build(_ settings: AuthdSettings, policy: TokenPolicy, registry: ProviderRegistry,
                      store: (any UserStore)?, log: Logger) throws(ConfigurationFailure) -> ProviderClaimsSource {
        let environment = ProviderEnvironment(settingsFile: settings.sourcePath, reservedClaims: policy.reservedClaims,
                                              store: store)
        switch ClaimsPipeline.build(entries: settings.claims, policy: settings.claimsPolicy, registry: registry,
                                    environment: environment) {
        case .success(let pipeline):
            return ProviderClaimsSource(pipeline: pipeline, store: store, log: log)
        case .failure(let errors):
            throw ConfigurationFailure(errors.errors.map(\.description))
        }
    }

    public var reevaluatesOnRefresh: Bool { pipeline.policy.reevaluateOnRefresh && !pipeline.entries.isEmpty }

    public var mayBlock: Bool { pipeline.mayBlock }

    public func claims(for user: User) throws(TokenError) -> JSONObject {
        guard !pipeline.entries.isEmpty else { return [:] }
        let subject = store.map { ClaimsSubject(user: user, store: $0) } ?? ClaimsSubject(user: user, groups: [])
        let outcome = pipeline.evaluate(subject)
        for event in outcome.events {
            switch event.level {
            case .warning: log.warning("claims: \(event.message)")
            case .error: log.error("claims: \(event.message)")
            }
        }
        if outcome.refusal != nil { throw TokenError.claimsUnavailable }
        return outcome.claims
    }

    public func shutdown() { pipeline.shutdown() }
}
