import Synchronization

/// Closes the listeners as soon as the last event loop has stopped watching them during shutdown, so new
/// clients are refused at once instead of queueing in the backlog until the last connection is done.
final class ListenerRelease: Sendable {
    private let listeners: [Listener]
    private let remaining: Atomic<Int>

    init(listeners: [Listener], loops: Int) {
        self.listeners = listeners
        remaining = Atomic(loops)
    }

    /// Called once by each loop after it removed the listeners from its epoll set and will never accept again.
    func loopReleased() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { closeAll() }
    }

    /// Called by `HTTPServer.shutdown()`, so no connection is accepted once it returns.
    func stopListening() {
        for listener in listeners { listener.stopListening() }
    }

    /// Idempotent; also the final clean-up once every loop has exited.
    func closeAll() {
        for listener in listeners { listener.close() }
    }
}
