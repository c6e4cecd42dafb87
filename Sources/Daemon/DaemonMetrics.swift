import Synchronization
import HTTPServer
import Metrics
import Platform

/// What the process itself reports: reloads (and whether the last one worked), open connections, build and
/// start time. Registered once per `serve`.
struct DaemonMetrics {
    private let successes: Counter
    private let failures: Counter
    private let lastSucceeded: LastOutcome

    /// Whether the last reload applied (1) or was refused (0), read by the gauge; starts at 1 (the settings
    /// `serve` started with were valid).
    final class LastOutcome: Sendable {
        let value = Atomic<Int>(1)
    }

    init(_ registry: MetricsRegistry, server: HTTPServer) {
        let help = "SIGHUP reloads, by result."
        successes = registry.counter("authd_reloads_total", help: help, labels: [("result", "success")])
        failures = registry.counter("authd_reloads_total", help: help, labels: [("result", "failure")])
        let last = LastOutcome()
        lastSucceeded = last
        registry.gauge("authd_config_last_reload_successful",
                       help: "1 when the last reload applied (or none happened), 0 when it was refused.") {
            Double(last.value.load(ordering: .relaxed))
        }
        registry.gauge("authd_http_open_connections", help: "Client connections open now, on every listener.") {
            Double(server.openConnections)
        }
        registry.gauge("authd_build_info", help: "Always 1; the labels say which authd runs.",
                       labels: [("version", AuthdVersion.current)]) { 1 }
        let started = Double(SystemWallClock().now())
        registry.gauge("authd_start_time_seconds", help: "When this process started serving, in Unix seconds.") { started }
    }

    func reloadSucceeded() {
        successes.increment()
        lastSucceeded.value.store(1, ordering: .relaxed)
    }

    func reloadFailed() {
        failures.increment()
        lastSucceeded.value.store(0, ordering: .relaxed)
    }
}
