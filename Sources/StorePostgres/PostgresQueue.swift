import Platform
import Store

/// The calls waiting for a connection of one kind (reads or writes), shared by that kind's workers.
/// Bounded: beyond `limit` waiting calls, a new one is refused at once with `.busy` instead of piling up.
final class PostgresQueue: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var pending: [PostgresOperation] = []
    private var head = 0
    private var stopping = false

    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Queues `operation`, or answers it at once when the queue is full or closed.
    func submit(_ operation: PostgresOperation) {
        let refusal = lock.withLock { () -> StoreError? in
            if stopping { return StoreError(.closed, "the store was closed; open a new store to write") }
            guard pending.count - head < limit else {
                return StoreError(.busy, "\(limit) store calls are already waiting for PostgreSQL; retry shortly")
            }
            pending.append(operation)
            if pending.count - head == 1 { lock.broadcast() }
            return nil
        }
        if let refusal { operation.finish(refusal) }
    }

    /// Puts operations back at the front, in their order: they run in the next batch.
    func requeue(_ operations: [PostgresOperation]) {
        guard !operations.isEmpty else { return }
        lock.withLock {
            pending = operations + pending[head...]
            head = 0
            lock.broadcast()
        }
    }

    /// Waits for work and takes up to `maximum` operations; nil once the queue is closed and empty.
    func take(maximum: Int) -> [PostgresOperation]? {
        lock.withLock { () -> [PostgresOperation]? in
            while pending.count == head && !stopping { lock.wait() }
            guard pending.count > head else { return nil }
            let end = min(pending.count, head + maximum)
            let batch = Array(pending[head..<end])
            head = end
            if head == pending.count || head > 4096 {
                // Compact now and then, so the array does not keep every operation ever queued.
                pending.removeFirst(head)
                head = 0
            }
            return batch
        }
    }

    /// Refuses new operations; those already queued are still taken (and run) by the workers.
    func close() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
    }
}
