import Dispatch
import Platform
import Synchronization

/// A strict HTTP/1.1 server on epoll, for authd. It knows nothing of tokens: a `HTTPResponder` answers requests.
///
/// Design:
/// - `eventLoops` threads, each with its own level-triggered epoll instance. Every loop watches every listener
///   with EPOLLEXCLUSIVE, so the kernel hands each new connection to one waiting loop; the connection then lives
///   on that loop for good. This works the same for TCP, unix and systemd-passed sockets.
/// - One 64 KiB read buffer per loop; a connection keeps only an unfinished request and unsent output, so idle
///   keep-alive connections cost a few hundred bytes each.
/// - Requests on a connection are answered strictly in order: each gets a slot, filled now or later by a
///   `DeferredResponse`; only the leading run of filled slots is written. At most `maxPipelinedRequests` may wait.
/// - Over `maxConnections`, a new connection is accepted, sent a 503 and closed (best effort: the client may not
///   have sent its request yet, so it reads the 503 instead of a reset).
/// - After a response that ends a connection (errors, `Connection: close`), the server shuts down its side and
///   drains input for up to 2 s before closing, so clients read that response rather than a TCP reset.
/// - `shutdown()` stops accepting, closes idle connections, lets received requests (deferred ones included)
///   finish with `Connection: close`, then closes the listeners and removes unix socket files it created.
public final class HTTPServer: Sendable {
    private struct State {
        var started = false
        var stopRequested = false
        var loops: [EventLoop] = []
        var addresses: [String] = []
        var release: ListenerRelease?
        var runningLoops = 0
    }

    private let configuration: HTTPServerConfiguration
    private let specs: [ListenerSpec]
    private let responder: any HTTPResponder
    private let state = Mutex(State())
    private let stopped = StopSignal()
    private let connections = ConnectionCounter()

    public init(configuration: HTTPServerConfiguration, listeners: [ListenerSpec], responder: any HTTPResponder) {
        self.configuration = configuration
        self.specs = listeners
        self.responder = responder
    }

    /// Binds every listener, starts the event loops and returns. Nothing is left bound if it throws.
    public func start() throws(HTTPServerError) {
        try configuration.validate()
        if specs.isEmpty { throw HTTPServerError(.invalidConfiguration, "no listeners given; add at least one") }
        try state.withLock { state throws(HTTPServerError) in
            if state.started { throw HTTPServerError(.alreadyStarted, "the server was already started; create a new one") }
            state.started = true
        }
        var listeners: [Listener] = []
        var loops: [EventLoop] = []
        let release: ListenerRelease
        do {
            for spec in specs { listeners.append(try Listener.open(spec)) }
            let counter = connections
            release = ListenerRelease(listeners: listeners, loops: configuration.eventLoops)
            for _ in 0..<configuration.eventLoops {
                loops.append(try EventLoop(configuration: configuration, responder: responder, listeners: listeners,
                                           connectionCount: counter, listenerRelease: release))
            }
        } catch {
            for listener in listeners { listener.close() }
            state.withLock { $0.started = false }
            throw error
        }
        for loop in loops { loop.siblings = loops }
        let addresses = listeners.map(\.address)
        let stopRequested = state.withLock { state in
            state.loops = loops
            state.addresses = addresses
            state.release = release
            state.runningLoops = loops.count
            return state.stopRequested
        }
        for (index, loop) in loops.enumerated() {
            do {
                try PlatformThread.startDetached(name: "authd-http-\(index)") { [self] in
                    loop.run()
                    loopExited()
                }
            } catch {
                // Loops already running stop; loops never started are accounted for here.
                for _ in index..<loops.count { loopExited() }
                shutdown()
                throw HTTPServerError(error)
            }
        }
        if stopRequested { shutdown() }
    }

    /// Where the server listens, in the order given: "127.0.0.1:43817", "[::1]:8000", "unix:/run/authd/authd.sock".
    public var boundAddresses: [String] {
        state.withLock { $0.addresses }
    }

    /// Client connections open right now, across every loop (a metrics gauge).
    public var openConnections: Int { connections.value.load(ordering: .relaxed) }

    /// Thread-safe and idempotent: stop accepting (no connection is accepted once this returns), finish requests
    /// already received, close, then release `waitUntilStopped()`.
    public func shutdown() {
        let (loops, release) = state.withLock { state in
            state.stopRequested = true
            return (state.loops, state.release)
        }
        release?.stopListening()
        for loop in loops { loop.post(.shutdown) }
    }

    /// Blocks until every loop has stopped and the listeners are closed. Returns at once if never started.
    public func waitUntilStopped() {
        let running = state.withLock { $0.started && !$0.loops.isEmpty }
        guard running else { return }
        stopped.wait()
    }

    private func loopExited() {
        let (last, release) = state.withLock { state in
            state.runningLoops -= 1
            return (state.runningLoops == 0, state.release)
        }
        guard last else { return }
        release?.closeAll()
        stopped.signal()
    }
}

/// A one-shot latch that any number of threads can wait on.
private final class StopSignal: Sendable {
    private let done = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    func signal() {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first { semaphore.signal() }
    }

    /// Each waiter passes the token on, so every waiter wakes.
    func wait() {
        semaphore.wait()
        semaphore.signal()
    }
}
