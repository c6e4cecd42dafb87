/// Wall-clock time in seconds since the Unix epoch. Code that compares against expiry times takes a
/// `WallClock` instead of reading the system clock, so tests can use a `ManualClock`.
public protocol WallClock: Sendable {
    func now() -> Double
}
