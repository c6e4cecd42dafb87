import Glibc

/// The system's wall clock (CLOCK_REALTIME). It jumps when the clock is set: use `MonotonicClock` to measure.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Double {
        let nanoseconds = Self.nanosecondsSinceEpoch()
        return Double(nanoseconds / 1_000_000_000) + Double(nanoseconds % 1_000_000_000) / 1e9
    }

    /// CLOCK_REALTIME in nanoseconds, comparable with a shell's `date +%s%N`.
    public static func nanosecondsSinceEpoch() -> UInt64 {
        ClockReading.nanoseconds(CLOCK_REALTIME)
    }
}
