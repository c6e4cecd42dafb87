import CEpoll
import Glibc

/// A POSIX thread of authd's own. Event loops, the store's writer and the hashing workers block (in
/// epoll_wait, on a condition variable, in a hash), which must never happen on a Dispatch or Swift
/// concurrency thread, so they get real threads, started only here.
///
/// A thread from `start` is joinable: call `join()` or `detach()` on it exactly once.
public struct PlatformThread: Sendable {
    private let id: pthread_t

    private init(_ id: pthread_t) { self.id = id }

    /// Starts `body` on a new thread.
    /// - Parameters:
    ///   - name: shown in top and gdb; Linux keeps the first 15 bytes.
    ///   - niceness: the new thread's nice value (on Linux each thread has its own); nil keeps the caller's.
    public static func start(name: String, niceness: Int32? = nil,
                             _ body: @escaping @Sendable () -> Void) throws(SystemCallError) -> PlatformThread {
        let box = Unmanaged.passRetained(Box(niceness: niceness, body))
        var thread = pthread_t()
        let code = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Box>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard code == 0 else {
            box.release()
            // pthread functions return the error number instead of setting errno.
            throw SystemCallError("pthread_create", errno: code, context: name)
        }
        // Linux refuses names longer than 15 bytes (ERANGE), so the name is cut to fit; the bytes go as they are,
        // since a character cut in half would not survive a round trip through String.
        let shortName = name.utf8.prefix(15).map { CChar(bitPattern: $0) } + [0]
        _ = pthread_setname_np(thread, shortName)
        return PlatformThread(thread)
    }

    /// Starts `body` on a thread that nobody joins: its resources are freed when it ends.
    public static func startDetached(name: String, niceness: Int32? = nil,
                                     _ body: @escaping @Sendable () -> Void) throws(SystemCallError) {
        try start(name: name, niceness: niceness, body).detach()
    }

    /// Waits for the thread to end. Never call it on the thread itself (see `isCurrent`): it would wait forever.
    public func join() {
        _ = pthread_join(id, nil)
    }

    /// Lets the thread end on its own, without a `join()`.
    public func detach() {
        _ = pthread_detach(id)
    }

    /// True when called on this thread, for example by a job that shuts down the pool running it.
    public var isCurrent: Bool { pthread_equal(id, pthread_self()) != 0 }

    /// The body and its settings, owned by the new thread once it runs.
    private final class Box {
        let niceness: Int32?
        let body: () -> Void

        init(niceness: Int32?, _ body: @escaping () -> Void) {
            self.niceness = niceness
            self.body = body
        }

        func run() {
            if let niceness {
                // `who` 0 with PRIO_PROCESS is the calling thread on Linux, not the process. Failing is harmless:
                // the thread runs at the caller's priority.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
            }
            body()
        }
    }
}
