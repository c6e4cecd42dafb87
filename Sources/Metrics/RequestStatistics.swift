import Synchronization

/// Requests of one endpoint: a counter per status and a latency histogram, created once per endpoint label and
/// shared by every runtime that serves it. Statuses authd answers have a counter each, found without a lock;
/// any other status (a future route's 302, say) takes the registry's lock once to make its counter.
public final class RequestStatistics: Sendable {
    public let endpoint: String
    public let latency: Histogram
    private let registry: MetricsRegistry
    private let common: [(status: Int, counter: Counter)]

    static let requestsName = "authd_http_requests_total"
    static let requestsHelp = "HTTP requests answered, by endpoint and status."
    static let commonStatuses = [200, 400, 401, 403, 404, 405, 408, 413, 415, 429, 431, 500, 503]

    public init(endpoint: String, registry: MetricsRegistry) {
        self.endpoint = endpoint
        self.registry = registry
        latency = registry.histogram("authd_http_request_duration_seconds",
                                     help: "Time from a complete request to its answer, by endpoint.",
                                     labels: [("endpoint", endpoint)])
        // Registered up front (exposed as 0 until used) so the hot path finds them without a lock.
        common = Self.commonStatuses.map { status in
            (status, registry.counter(Self.requestsName, help: Self.requestsHelp,
                                      labels: [("endpoint", endpoint), ("status", String(status))]))
        }
    }

    public func record(status: Int, nanoseconds: UInt64) {
        latency.observe(nanoseconds: nanoseconds)
        for entry in common where entry.status == status {
            entry.counter.increment()
            return
        }
        registry.counter(Self.requestsName, help: Self.requestsHelp,
                         labels: [("endpoint", endpoint), ("status", String(status))]).increment()
    }
}
