#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Wall-clock time in seconds since the Unix epoch, injectable so expiry logic is testable.
public protocol WallClock: Sendable {
    func now() -> Double
}

/// CLOCK_REALTIME.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Double {
        var spec = timespec()
        // clock_gettime(CLOCK_REALTIME) cannot fail with a valid pointer on Linux.
        _ = clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// A clock that moves only when told to: for tests.
public final class ManualClock: WallClock {
    private let current: Mutex<Double>

    public init(_ start: Double) { current = Mutex(start) }

    public func now() -> Double { current.withLock { $0 } }

    public func advance(by seconds: Double) { current.withLock { $0 += seconds } }

    public func set(_ time: Double) { current.withLock { $0 = time } }
}
