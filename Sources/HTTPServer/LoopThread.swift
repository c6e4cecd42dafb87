import CEpoll
import Glibc

/// Starts a detached POSIX thread running `body`. Event loops need real threads of their own: they block in
/// epoll_wait, which must never happen on a Dispatch or Swift concurrency thread.
enum LoopThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(HTTPServerError) {
        let box = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let code = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        guard code == 0 else {
            box.release()
            throw HTTPServerError.systemCall("pthread_create", errno: code)
        }
        // Thread names show up in top/gdb; Linux limits them to 15 bytes.
        _ = pthread_setname_np(thread, String(name.prefix(15)))
        _ = pthread_detach(thread)
    }
}
