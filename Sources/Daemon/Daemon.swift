#if canImport(Glibc)
import Glibc
#endif
import Assembly
import HTTPServer
import Logging
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
        configuration.writeTimeout = settings.security.writeTimeout.seconds
        configuration.maxConnectionsPerAddress = settings.security.maxConnectionsPerAddress
        configuration.outputBudgetBytes = settings.security.outputBudgetBytes
        configuration.exemptAddresses = settings.security.trustedProxies
        // Connections, plus the store's files, pools and listeners.
        let openFiles = OpenFileLimit.raise(toAtLeast: configuration.maxConnections + 256)

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
        if openFiles < configuration.maxConnections + 256 {
            log.warning("the open-file limit is \(openFiles), below security.max_connections (\(configuration.maxConnections)) "
                + "plus the daemon's own files; raise LimitNOFILE= or lower security.max_connections")
        }
        log.info("ready: \(runtime.codec.algorithm.rawValue) tokens, store \(services.store.location)")
        SystemdNotifier.notify("READY=1")

        while true {
            let signal = SignalSet.next()
            if signal == SIGHUP {
                log.warning("SIGHUP: reloading settings is not supported by this version; restart authd to apply changes")
                continue
            }
            break
        }
        log.info("stopping: finishing requests in flight")
        SystemdNotifier.notify("STOPPING=1")
        server.shutdown()
        server.waitUntilStopped()
        services.close()
        log.info("stopped")
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
