import Synchronization

/// A thread of its own that runs one loop until `stop()`, which waits for the loop to return: the shape of the
/// stores' change watchers. The loop checks `isStopping` between its rounds; a round should be short (a poll with
/// a timeout, a sleep), since `stop()` waits for the current one.
public final class BackgroundLoop: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let thread: Mutex<PlatformThread?> = Mutex(nil)

    public init() {}

    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Starts `body` on a new thread named `name`; call it once.
    public func start(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemCallError) {
        let started = try PlatformThread.start(name: name, body)
        thread.withLock { $0 = started }
    }

    /// Asks the loop to end and waits until it has; safe to call more than once, from any thread but the loop's.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        let started = thread.withLock { current -> PlatformThread? in
            defer { current = nil }
            return current
        }
        started?.join()
    }
}
