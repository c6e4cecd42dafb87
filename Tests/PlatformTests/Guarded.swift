import Glibc
import Platform

/// A value shared between test threads: `value` is touched only while `lock` is held.
final class Guarded<Value>: @unchecked Sendable {
    let lock = ConditionLock()
    var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&value) }
    }

    /// True once `condition` holds; false if it still does not after `seconds` (a test must not hang).
    func eventually(_ condition: (Value) -> Bool, seconds: Double = 10) -> Bool {
        let deadline = MonotonicClock.now() + MonotonicClock.nanoseconds(seconds)
        while MonotonicClock.now() < deadline {
            if withLock({ condition($0) }) { return true }
            usleep(1_000)
        }
        return withLock { condition($0) }
    }
}
