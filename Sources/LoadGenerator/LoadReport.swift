/// The outcome of a load run: throughput, latency percentiles, answers by status, and every kind of error.
public struct LoadReport: Sendable {
    public let plan: LoadPlan
    /// Seconds from start to the end of the last thread.
    public let elapsed: Double
    let tally: LoadTally
    /// More requests were sent than there were distinct bodies, so some bodies went out twice.
    public let bodiesReused: Bool

    /// Complete responses (of any status).
    public var responses: UInt64 { tally.latency.total }
    public var requestsPerSecond: Double { elapsed > 0 ? Double(responses) / elapsed : 0 }
    public var p50Milliseconds: Double { Double(tally.latency.percentile(0.50)) / 1000 }
    public var p99Milliseconds: Double { Double(tally.latency.percentile(0.99)) / 1000 }
    public var maxMilliseconds: Double { Double(tally.latency.maximum) / 1000 }
    public var statuses: [Int: UInt64] { tally.statuses }
    public var connectionsOpened: UInt64 { tally.connectionsOpened }
    /// Connect, read/write, timeout, protocol errors and responses whose status was not accepted.
    public var errors: UInt64 {
        tally.connectErrors + tally.ioErrors + tally.timeouts + tally.protocolErrors + tally.unexpectedStatuses
    }
    public var firstError: String? { tally.firstError }

    /// Human-readable lines, then one `result:` line of key=value pairs for scripts.
    public var text: String {
        let p = plan
        var lines: [String] = []
        lines.append("\(p.method) \(p.path) on \(p.target): \(p.connections) connections, \(p.threads) threads, "
            + "\(format(p.duration, 1)) s" + (p.holdIdle ? " (idle: one request each, then held open)" : ""))
        lines.append("  responses    \(responses) in \(format(elapsed, 2)) s = \(format(requestsPerSecond, 1)) req/s")
        lines.append("  latency      p50 \(format(p50Milliseconds, 3)) ms, p99 \(format(p99Milliseconds, 3)) ms, "
            + "max \(format(maxMilliseconds, 3)) ms")
        let byStatus = statuses.keys.sorted().map { "\($0): \(statuses[$0] ?? 0)" }.joined(separator: ", ")
        lines.append("  statuses     " + (byStatus.isEmpty ? "none" : byStatus))
        lines.append("  errors       \(errors) (connect \(tally.connectErrors), read/write \(tally.ioErrors), "
            + "timeout \(tally.timeouts), protocol \(tally.protocolErrors), unexpected status \(tally.unexpectedStatuses))")
        if let firstError { lines.append("  first error  \(firstError)") }
        if bodiesReused { lines.append("  warning      more requests than bodies: some bodies were sent more than once") }
        let statusPairs = statuses.keys.sorted().map { "status_\($0)=\(statuses[$0] ?? 0)" }.joined(separator: " ")
        lines.append("result: rps=\(format(requestsPerSecond, 1)) p50_ms=\(format(p50Milliseconds, 3)) "
            + "p99_ms=\(format(p99Milliseconds, 3)) errors=\(errors) responses=\(responses) "
            + "connections_opened=\(connectionsOpened) \(statusPairs)")
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((value * scale).rounded())
        let whole = scaled / Int64(scale)
        guard decimals > 0 else { return String(whole) }
        var fraction = String(abs(scaled) % Int64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return (scaled < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }
}
