import Synchronization
import Dispatch

/// Waiting for a store call, for callers that may block: the CLI, tests, a worker-pool thread.
/// Never call it on an event-loop thread, nor inside a store completion (that would wait for itself).
public enum StoreCall {
    public static func wait<T: Sendable>(
        _ start: (@escaping StoreCompletion<T>) -> Void
    ) throws(StoreError) -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, StoreError>?>(nil)
        start { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        let result = outcome.withLock { $0 } ?? .failure(StoreError(.sqlite, "a store call answered nothing"))
        return try result.get()
    }
}
