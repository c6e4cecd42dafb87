import Glibc

/// Nanoseconds of CLOCK_MONOTONIC (latencies) and CLOCK_REALTIME (comparing with a timestamp taken by a shell).
enum MonotonicTime {
    static func now() -> UInt64 { read(CLOCK_MONOTONIC) }
    static func wallClock() -> UInt64 { read(CLOCK_REALTIME) }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        // clock_gettime cannot fail for these clocks on Linux.
        _ = clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
