/// Latencies in microseconds, bucketed with under 1 % relative error (exact below 256 µs, then 128 buckets
/// per power of two), so percentiles cost no sorting and histograms of several threads simply add up.
public struct LatencyHistogram: Sendable {
    private static let exactLimit: UInt64 = 256
    private static let subBuckets = 128
    private static let octaves = 40  // up to 2^48 µs: longer than any run
    private var counts = [UInt64](repeating: 0, count: Int(exactLimit) + octaves * subBuckets)
    public private(set) var total: UInt64 = 0
    public private(set) var maximum: UInt64 = 0

    public init() {}

    public mutating func record(microseconds value: UInt64) {
        counts[Self.index(value)] += 1
        total += 1
        if value > maximum { maximum = value }
    }

    public mutating func add(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        total += other.total
        maximum = max(maximum, other.maximum)
    }

    /// The latency below which `fraction` (0…1) of the recorded requests fall, in microseconds; 0 when empty.
    public func percentile(_ fraction: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = max(1, UInt64((Double(total) * min(max(fraction, 0), 1)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return min(Self.upperBound(i), maximum) }
        }
        return maximum
    }

    static func index(_ value: UInt64) -> Int {
        if value < exactLimit { return Int(value) }
        let octave = 63 - value.leadingZeroBitCount  // ≥ 8
        let shift = UInt64(octave - 7)
        let top = Int(value >> shift) - subBuckets  // 0..<128
        let slot = Int(exactLimit) + (octave - 8) * subBuckets + top
        return min(slot, Int(exactLimit) + octaves * subBuckets - 1)
    }

    /// The largest value that lands in bucket `index`.
    static func upperBound(_ index: Int) -> UInt64 {
        if index < Int(exactLimit) { return UInt64(index) }
        let offset = index - Int(exactLimit)
        let octave = offset / subBuckets + 8
        let top = UInt64(offset % subBuckets + subBuckets)
        let shift = UInt64(octave - 7)
        return ((top + 1) << shift) - 1
    }
}
