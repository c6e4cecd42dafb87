import Synchronization

/// A wall clock that only moves when told to, for tests of expiry. Safe to read and set from any thread.
public final class ManualClock: WallClock {
    private let seconds: Mutex<Double>

    /// Starts at `seconds` since the epoch.
    public init(_ seconds: Double = 1_700_000_000) {
        self.seconds = Mutex(seconds)
    }

    public func now() -> Double { seconds.withLock { $0 } }

    public func set(_ value: Double) { seconds.withLock { $0 = value } }

    public func advance(by delta: Double) { seconds.withLock { $0 += delta } }
}
