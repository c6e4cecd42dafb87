#if canImport(Glibc)
import Glibc
#endif
import Assembly
import HTTPServer
import Logging
import Metrics
import Platform
import Plugins
import Settings

/// `authd serve`: opens the long-lived services, builds the runtime, binds the listeners, serves until
/// SIGTERM/SIGINT, then drains and exits 0.
public final class Daemon {
    let settings: AuthdSettings
    let registry: ProviderRegistry

    public init(settings: AuthdSettings, registry: ProviderRegistry) {
        self.settings = settings
        self.registry = registry
    }

    /// Call first thing, before any thread starts: every thread inherits the signal mask, so only the main thread
    /// takes the daemon's signals; and a peer that goes away mid-write (a client, a claims hook) is an EPIPE
    /// error to handle, never a reason to die.
    public static func prepareProcess() {
        SignalSet.blockHandledSignals()
        signal(SIGPIPE, SIG_IGN)
    }

    /// Runs until a termination signal. `prepareProcess()` must have run before any thread started.
    public func run() throws(ConfigurationFailure) {
        let listeners = try listenerSpecs()
        var configuration = HTTPServerConfiguration()
        configuration.maxBodyBytes = settings.security.maxBodyBytes
        configuration.maxHeaderBytes = settings.security.maxHeaderBytes
        configuration.maxConnections = settings.security.maxConnections
        configuration.idleTimeout = settings.security.idleTimeout.seconds
        configuration.requestTimeout = settings.security.requestTimeout.seconds

        ProcessTuning.applyForServing()
        let services = try Services.open(settings, eventLoops: configuration.eventLoops)
        let runtime: Runtime
        do {
            runtime = try RuntimeBuilder(settings: settings, registry: registry).build(services: services)
        } catch {
            services.close()
            throw error
        }
        let log = runtime.log
        let reference = RuntimeReference(runtime)
        services.registerMetrics()
        let server = HTTPServer(configuration: configuration, listeners: listeners,
                                responder: RuntimeResponder(reference))
        do {
            try server.start()
        } catch {
            services.close()
            throw ConfigurationFailure(["cannot listen: \(error)"])
        }
        for address in server.boundAddresses { log.info("listening on \(address)") }
        for warning in settings.warnings + runtime.codec.warnings { log.warning(warning) }
        log.info("ready: \(runtime.codec.algorithm.rawValue) tokens\(Self.keyIDs(runtime)), store \(services.store.location)")
        let metrics = DaemonMetrics(services.metrics, server: server)
        SystemdNotifier.notify("READY=1")

        let reloader = Reloader(path: settings.sourcePath, registry: registry, services: services, reference: reference)
        while SignalSet.next() == SIGHUP {
            // sd_notify(3): RELOADING=1 with the CLOCK_MONOTONIC time, READY=1 once the new settings serve (or the
            // old ones still do), so `systemctl reload` and the unit's state follow the reload.
            SystemdNotifier.notify("RELOADING=1\nMONOTONIC_USEC=\(MonotonicClock.now() / 1000)")
            Self.report(reloader.reload(), runtime: reference.runtime, metrics: metrics)
            SystemdNotifier.notify("READY=1")
        }
        let finalLog = reference.runtime.log  // a reload may have changed logging.level
        finalLog.info("stopping: finishing requests in flight")
        SystemdNotifier.notify("STOPPING=1")
        server.shutdown()
        server.waitUntilStopped()
        services.close()
        finalLog.info("stopped")
    }

    /// The one place a reload is reported: the log (every error with file:line:col) and the reload metrics.
    static func report(_ outcome: Reloader.Outcome, runtime: Runtime, metrics: DaemonMetrics) {
        let log = runtime.log
        switch outcome {
        case .applied(let needsRestart, let warnings):
            metrics.reloadSucceeded()
            for warning in warnings { log.warning(warning) }
            for setting in needsRestart {
                log.warning("reload: \(setting) changed; this needs a restart (systemctl restart authd), the running value stays")
            }
            log.info("reload: new settings serve: \(runtime.codec.algorithm.rawValue) tokens\(keyIDs(runtime)), "
                + "access \(runtime.settings.simpleJWT.accessTokenLifetime), refresh \(runtime.settings.simpleJWT.refreshTokenLifetime)")
        case .refused(let problems):
            metrics.reloadFailed()
            log.error("reload failed, the previous settings keep serving:\n" + problems.joined(separator: "\n"))
        }
    }

    private static func keyIDs(_ runtime: Runtime) -> String {
        let ids = runtime.codec.verifyingKeyIDs.compactMap { key in key.keyID.map { "\($0) (\(key.algorithm.rawValue))" } }
        return ids.isEmpty ? "" : ", kid \(ids[0]) signing" + (ids.count > 1 ? ", verifying also \(ids.dropFirst().joined(separator: ", "))" : "")
    }

    private func listenerSpecs() throws(ConfigurationFailure) -> [ListenerSpec] {
        var listeners: [ListenerSpec] = []
        for (tag, listener) in settings.listen.enumerated() {
            switch listener.address.kind {
            case .tcp(let host, let port):
                listeners.append(.tcp(host: host, port: UInt16(clamping: port), tag: tag))
            case .unix(let path, let mode, let group):
                listeners.append(.unix(path: path, mode: mode, group: group, tag: tag))
            case .systemd:
                let inherited = SystemdNotifier.inheritedListeners()
                guard !inherited.isEmpty else {
                    throw ConfigurationFailure(["\(listener.mark.map { "\($0): " } ?? "")listen[\(tag)]: systemd "
                        + "socket activation was configured but systemd passed no sockets (LISTEN_FDS is unset)"])
                }
                listeners += inherited.map { .inherited(fd: $0, tag: tag) }
            }
        }
        return listeners
    }
}
