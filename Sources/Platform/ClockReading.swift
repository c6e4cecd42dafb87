import Glibc

/// clock_gettime for the clocks of this module, in nanoseconds.
enum ClockReading {
    static func nanoseconds(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        // clock_gettime cannot fail for CLOCK_MONOTONIC or CLOCK_REALTIME with a valid pointer on Linux.
        _ = clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
