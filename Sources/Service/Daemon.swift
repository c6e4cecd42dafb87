#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import Passwords
import Settings

/// `authd serve`: binds the listeners, serves until SIGTERM/SIGINT, then drains and exits 0.
public final class Daemon {
    let components: ServiceComponents
    let claims: any UserClaimsSource

    public init(components: ServiceComponents, claims: any UserClaimsSource) {
        self.components = components
        self.claims = claims
    }

    /// Runs until a termination signal. `SignalSet.blockHandledSignals()` must have run before any thread started.
    public func run() throws(ConfigurationFailure) {
        let settings = components.settings
        let log = components.log
        let pool = HashingPool(workers: settings.passwords.workers, queueLimit: settings.passwords.queue)
        let service = TokenService(policy: components.policy, codec: components.codec, store: components.store,
                                   hasher: components.hasher, pool: pool, claims: claims, log: log)
        var prefixes: [Int: String] = [:]
        var listeners: [ListenerSpec] = []
        for (tag, listener) in settings.listen.enumerated() {
            prefixes[tag] = listener.prefix
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
        var configuration = HTTPServerConfiguration()
        configuration.maxBodyBytes = settings.security.maxBodyBytes
        configuration.maxHeaderBytes = settings.security.maxHeaderBytes
        configuration.maxConnections = settings.security.maxConnections
        configuration.idleTimeout = settings.security.idleTimeout.seconds
        configuration.requestTimeout = settings.security.requestTimeout.seconds

        let router = APIRouter(service: service, prefixes: prefixes)
        let server = HTTPServer(configuration: configuration, listeners: listeners, responder: router)
        do {
            try server.start()
        } catch {
            throw ConfigurationFailure(["cannot listen: \(error)"])
        }
        for address in server.boundAddresses { log.info("listening on \(address)") }
        for warning in settings.warnings + components.codec.warnings { log.warning(warning) }
        log.info("ready: \(components.codec.algorithm.rawValue) tokens, store \(settings.store.sqlitePath)")
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
        pool.shutdown()
        components.store.close()
        log.info("stopped")
    }
}
