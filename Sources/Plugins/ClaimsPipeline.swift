import JSON
import Settings

/// The configured providers, run in file order for each token: reserved claims dropped, the total size
/// capped, failures handled by each entry's `on_error`. Built once at start-up; immutable afterwards, so
/// any number of threads may call `evaluate` at once.
public final class ClaimsPipeline: Sendable {
    public let entries: [ConfiguredProvider]
    public let policy: ClaimsPolicy
    public let reservedClaims: Set<String>

    init(entries: [ConfiguredProvider], policy: ClaimsPolicy, reservedClaims: Set<String>) {
        self.entries = entries
        self.policy = policy
        self.reservedClaims = reservedClaims
    }

    /// Whether any provider may block (see `ClaimsProvider.mayBlock`): then claims are made on a worker pool.
    public var mayBlock: Bool { entries.contains { type(of: $0.provider).mayBlock } }

    /// The keys every entry may have, whatever its provider.
    public static let commonKeys = ["provider", "on_error"]

    /// Builds every entry (strict options), then validates every one built. Reports every problem found (the
    /// first of each entry); when there is any, the providers already built are shut down and nothing is returned.
    public static func build(entries nodes: [YAMLNode], policy: ClaimsPolicy, registry: ProviderRegistry,
                             environment: ProviderEnvironment) -> Result<ClaimsPipeline, PluginErrors> {
        var errors: [PluginError] = []
        var built: [ConfiguredProvider] = []
        for (index, node) in nodes.enumerated() {
            do {
                built.append(try buildEntry(node, index: index, registry: registry, environment: environment))
            } catch {
                errors.append(error)
            }
        }
        // Validate what was built even when other entries failed, so one pass lists every problem.
        for entry in built {
            do {
                try entry.provider.validate(environment)
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else {
            for entry in built { entry.provider.shutdown() }
            return .failure(PluginErrors(errors))
        }
        return .success(ClaimsPipeline(entries: built, policy: policy, reservedClaims: environment.reservedClaims))
    }

    private static func buildEntry(_ node: YAMLNode, index: Int, registry: ProviderRegistry,
                                   environment: ProviderEnvironment) throws(PluginError) -> ConfiguredProvider {
        let providerNode = node["provider"]
        let id = providerNode?.scalar ?? ""
        guard let registration = registry.provider(id) else {
            let known = registry.ids.joined(separator: ", ")
            var message = "unknown provider \"\(id)\""
            if let guess = closest(to: id, in: registry.ids) { message += "; did you mean \"\(guess)\"?" }
            throw PluginError(.unknownProvider, mark: providerNode?.mark ?? node.mark, entry: "claims[\(index)]",
                              key: "provider", message: message + " (known providers: \(known))")
        }
        let options = ProviderOptions(node: node, entry: "claims[\(index)] (\(id))", environment: environment)
        let known = commonKeys + registration.type.optionKeys
        for (key, _) in node.mapping ?? [] {
            let name = key.scalar ?? ""
            guard !known.contains(name) else { continue }
            var message = "unknown option \"\(name)\""
            if let guess = closest(to: name, in: known) { message += "; did you mean \"\(guess)\"?" }
            let listed = registration.type.optionKeys.isEmpty ? "none" : registration.type.optionKeys.joined(separator: ", ")
            throw options.error(.unknownKey, name, message + " (options of \(id): \(listed); every provider also takes on_error)")
        }
        let onError = try options.choice("on_error", ErrorPolicy.names).flatMap(ErrorPolicy.init(name:)) ?? .fail
        let provider = try registration.type.init(options: options)
        return ConfiguredProvider(id: id, label: options.entry, provider: provider, onError: onError)
    }

    // MARK: Running

    /// The claims for one token. Never throws: a failure is either skipped (`on_error: skip`) or reported in
    /// `refusal`, and in both cases described in `events`.
    public func evaluate(_ subject: ClaimsSubject) -> ClaimsOutcome {
        var outcome = ClaimsOutcome(claims: [:], events: [], refusal: nil)
        for entry in entries {
            let produced: JSONObject
            do {
                produced = try entry.provider.claims(for: subject)
            } catch {
                if handle(error, of: entry, in: &outcome) { return outcome }
                continue
            }
            var merged = outcome.claims
            for (name, value) in produced {
                if reservedClaims.contains(name) {
                    outcome.events.append(ClaimsEvent(level: .warning, message:
                        "\(entry.label): dropped the claim \"\(name)\" for user \(subject.user.id): authd sets it itself"))
                } else {
                    merged[name] = value
                }
            }
            let size = JSON.serialize(merged).count
            if size > policy.maxBytes {
                let failure = ClaimsFailure(.tooLarge, "the claims would take \(size) bytes as JSON, more than "
                    + "claims.max_bytes (\(policy.maxBytes))")
                if handle(failure, of: entry, in: &outcome) { return outcome }
                continue
            }
            outcome.claims = merged
        }
        return outcome
    }

    /// Records the failure; true when the token must be refused.
    private func handle(_ failure: ClaimsFailure, of entry: ConfiguredProvider, in outcome: inout ClaimsOutcome) -> Bool {
        if entry.onError == .skip {
            outcome.events.append(ClaimsEvent(level: .warning,
                message: "\(entry.label): \(failure.message); token issued without these claims (on_error: skip)"))
            return false
        }
        outcome.events.append(ClaimsEvent(level: .error,
            message: "\(entry.label): \(failure.message); token refused (on_error: fail)"))
        outcome.refusal = failure
        return true
    }

    /// Shuts every provider down, in reverse order. Call once, after the last `evaluate`.
    public func shutdown() {
        for entry in entries.reversed() { entry.provider.shutdown() }
    }

    /// The candidate within edit distance 2, for "did you mean".
    static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(Array(word.unicodeScalars), Array(candidate.unicodeScalars))
            if distance <= 2, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
