import Glibc

/// Nanoseconds on CLOCK_MONOTONIC: timeouts, deadlines and latencies must not jump with wall-clock changes.
public enum MonotonicClock {
    public static func now() -> UInt64 {
        ClockReading.nanoseconds(CLOCK_MONOTONIC)
    }

    /// `seconds` as nanoseconds, clamped to 0…1e9 s so that no setting can overflow a deadline.
    public static func nanoseconds(_ seconds: Double) -> UInt64 {
        UInt64(max(0, min(seconds, 1e9)) * 1e9)
    }

    /// Whole milliseconds from now until `deadline` (a `now()` value), rounded up so a wait never ends early;
    /// zero or less once it has passed. Meant for poll(2) timeouts.
    public static func milliseconds(until deadline: UInt64) -> Int64 {
        milliseconds(from: now(), until: deadline)
    }

    static func milliseconds(from start: UInt64, until deadline: UInt64) -> Int64 {
        let remaining = Int64(bitPattern: deadline &- start)
        return remaining > 0 ? (remaining + 999_999) / 1_000_000 : remaining / 1_000_000
    }
}
