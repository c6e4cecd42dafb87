import Synchronization

/// A latency distribution with fixed bucket bounds, recorded in nanoseconds without a lock: an observation is a
/// short scan of the bounds plus three relaxed atomic adds. Buckets are counted separately and summed only when
/// exposed, so recording never touches more than one bucket.
public final class Histogram: Sendable {
    /// Upper bounds in nanoseconds, ascending; a last, implicit bucket takes everything above (`+Inf`).
    public let bounds: [UInt64]
    private let buckets: [Counter]
    private let sum = Atomic<UInt64>(0)
    private let total = Atomic<UInt64>(0)

    /// Request latencies from 100 µs to 10 s: a verify answers in tens of microseconds, an obtain in hundreds of
    /// milliseconds, a commit in milliseconds.
    public static let latencyBounds: [UInt64] = [
        100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000, 10_000_000_000,
    ]

    public init(bounds: [UInt64] = Histogram.latencyBounds) {
        self.bounds = bounds.sorted()
        buckets = (0...bounds.count).map { _ in Counter() }
    }

    public func observe(nanoseconds: UInt64) {
        var index = 0
        while index < bounds.count && nanoseconds > bounds[index] { index += 1 }
        buckets[index].increment()
        sum.add(nanoseconds, ordering: .relaxed)
        total.add(1, ordering: .relaxed)
    }

    /// A consistent-enough reading for exposition: cumulative counts per bound (then `+Inf`), the sum in
    /// nanoseconds and the count. Concurrent observations may land between the loads; `+Inf` is taken as the
    /// largest cumulative count so the exposition stays monotonic, as Prometheus requires.
    public func snapshot() -> (cumulative: [UInt64], sumNanoseconds: UInt64, count: UInt64) {
        var running: UInt64 = 0
        var cumulative: [UInt64] = []
        for bucket in buckets {
            running += bucket.value
            cumulative.append(running)
        }
        return (cumulative, sum.load(ordering: .relaxed), running)
    }
}
