import Assembly
import Plugins
import Settings

/// SIGHUP: reads the settings file and its key files again, builds a complete new `Runtime` and swaps it in.
/// Requests in flight finish with the runtime they started with; nothing is closed or re-bound. Invalid settings
/// change nothing. What only a restart can change (listeners, store, pools, HTTP limits) keeps its running value
/// and is reported as such.
struct Reloader {
    let path: String
    let registry: ProviderRegistry
    let services: Services
    let reference: RuntimeReference

    /// What a reload did, reported in one place (`Daemon.report`): the log, metrics and, later, the audit log.
    enum Outcome {
        /// The new settings serve; `needsRestart` lists the changes that were not applied, `warnings` the new
        /// settings' warnings.
        case applied(needsRestart: [String], warnings: [String])
        /// Nothing changed; every problem, each with file:line:col where it has one.
        case refused([String])
    }

    func reload() -> Outcome {
        let running = reference.runtime.settings
        let loaded: AuthdSettings
        switch SettingsLoader.load(path: path) {
        case .success(let settings): loaded = settings
        case .failure(let errors): return .refused(errors.errors.map(\.description))
        }
        let (effective, needsRestart) = Self.keepingRestartSettings(loaded, running: running)
        let runtime: Runtime
        do {
            runtime = try RuntimeBuilder(settings: effective, registry: registry).build(services: services)
        } catch {
            return .refused(error.messages)
        }
        reference.replace(with: runtime)
        return .applied(needsRestart: needsRestart, warnings: effective.warnings + runtime.codec.warnings)
    }

    /// The loaded settings with every restart-only value put back to what runs now, and what that put back.
    static func keepingRestartSettings(_ loaded: AuthdSettings, running: AuthdSettings) -> (AuthdSettings, [String]) {
        var effective = loaded
        var kept: [String] = []
        // Listeners are bound once; their routes (prefix, delivery, metrics) can change, their addresses cannot.
        if loaded.listen.map(\.address) != running.listen.map(\.address) {
            effective.listen = running.listen
            kept.append("listen (addresses)")
        }
        if loaded.store != running.store {
            effective.store = running.store
            kept.append("store")
        }
        if loaded.passwords.workers != running.passwords.workers || loaded.passwords.queue != running.passwords.queue {
            effective.passwords.workers = running.passwords.workers
            effective.passwords.queue = running.passwords.queue
            kept.append("passwords.workers/queue")
        }
        let limits: [(String, WritableKeyPath<SecuritySettings, Int>)] = [
            ("max_body_bytes", \.maxBodyBytes), ("max_header_bytes", \.maxHeaderBytes), ("max_connections", \.maxConnections),
        ]
        for (name, key) in limits where loaded.security[keyPath: key] != running.security[keyPath: key] {
            effective.security[keyPath: key] = running.security[keyPath: key]
            kept.append("security.\(name)")
        }
        let timeouts: [(String, WritableKeyPath<SecuritySettings, TimeSpan>)] = [
            ("idle_timeout", \.idleTimeout), ("request_timeout", \.requestTimeout),
        ]
        for (name, key) in timeouts where loaded.security[keyPath: key] != running.security[keyPath: key] {
            effective.security[keyPath: key] = running.security[keyPath: key]
            kept.append("security.\(name)")
        }
        return (effective, kept)
    }
}
