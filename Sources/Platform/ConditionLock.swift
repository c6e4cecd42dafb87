import Glibc

/// A pthread mutex with a condition variable, for a thread to sleep until work arrives (the store's writer
/// and checkpointer). Synchronization.Mutex has no condition variable. Owns both pthread objects; destroyed
/// in `deinit`.
public final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        // With default attributes these only fail on resource exhaustion, which is not caused by input.
        let mutexRC = pthread_mutex_init(mutex, nil)
        precondition(mutexRC == 0, "pthread_mutex_init failed: \(mutexRC)")
        let condRC = pthread_cond_init(condition, nil)
        precondition(condRC == 0, "pthread_cond_init failed: \(condRC)")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Sleeps until signalled; call only inside `withLock`, in a loop that re-checks the condition.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes every thread in `wait()`.
    public func broadcast() { pthread_cond_broadcast(condition) }
}
