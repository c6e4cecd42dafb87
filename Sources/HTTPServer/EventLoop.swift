import CEpoll
import Glibc
import Platform
import Synchronization

/// One event-loop thread: an epoll instance (level-triggered), the listeners, and the connections it accepted.
/// All mutable state is confined to the loop's thread; other threads only `post` messages (a mutex-guarded
/// mailbox plus an eventfd wake-up). That confinement is why the class can be `@unchecked Sendable`.
final class EventLoop: @unchecked Sendable {
    enum Message: Sendable {
        case deliver(connection: UInt64, sequence: UInt64, response: HTTPResponse)
        /// A connection accepted by a sibling loop, handed over to balance the load (the descriptor moves with it).
        case adopt(fd: Int32, listener: Int, peer: String)
        case shutdown
    }

    /// epoll tokens: connections use their id (below 2^63, see `Connection.id`); the wake-up eventfd and the
    /// listeners count down from the top, so a token never names the wrong kind of descriptor.
    static let wakeToken = UInt64.max
    static func listenerToken(_ index: Int) -> UInt64 { UInt64.max - 1 - UInt64(index) }
    static let readBufferSize = 64 * 1024
    static let maxEventsPerWait: Int32 = 256
    /// How long a closing connection keeps draining input so that the client reads our last response
    /// instead of a reset (closing with unread input sends RST).
    static let lingerNanoseconds: UInt64 = 2_000_000_000
    /// While the table is nearly full, idle connections are shed at most this often per loop (a scan and a sort).
    static let shedIntervalNanoseconds: UInt64 = 100_000_000

    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let listeners: [Listener]
    let connectionCount: ConnectionCounter
    let listenerRelease: ListenerRelease

    let epoll: FileDescriptor
    let wakeup: FileDescriptor
    private let mailbox = Mutex<[Message]>([])
    /// False once the loop has ended: a connection handed over after that would never be served or closed.
    private let takesHandOvers = Mutex<Bool>(true)

    var connections: [Connection?] = []
    var openConnections = 0
    /// Connections this loop serves or has been handed: read by sibling loops when they pick where a new
    /// connection goes.
    let load = Atomic<Int>(0)
    /// Every loop of the server (this one included), set before the threads start and read only by this loop's
    /// thread; emptied when the loop ends so that loops do not keep each other alive.
    var siblings: [EventLoop] = []
    var generation: UInt64 = 0
    let readBuffer: UnsafeMutableRawBufferPointer
    var stopping = false
    var acceptPaused = false
    var now: UInt64 = MonotonicClock.now()
    var date = HTTPDate()

    let idleTimeout: UInt64
    let requestTimeout: UInt64
    let writeTimeout: UInt64
    let sweepInterval: UInt64
    var lastShed: UInt64 = 0
    var lastStalledShed: UInt64 = 0
    /// Connections with requests still read ahead after their turn (see `drive`), driven again after each batch.
    var resumable: [Connection] = []

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, listeners: [Listener],
         connectionCount: ConnectionCounter, listenerRelease: ListenerRelease) throws(HTTPServerError) {
        self.configuration = configuration
        self.responder = responder
        self.listeners = listeners
        self.connectionCount = connectionCount
        self.listenerRelease = listenerRelease
        idleTimeout = MonotonicClock.nanoseconds(configuration.idleTimeout)
        requestTimeout = MonotonicClock.nanoseconds(configuration.requestTimeout)
        writeTimeout = MonotonicClock.nanoseconds(configuration.writeTimeout)
        // Timeouts are checked by a periodic sweep; a quarter of the shortest one keeps them within 25 %.
        sweepInterval = max(5_000_000, min(1_000_000_000, min(idleTimeout, requestTimeout, writeTimeout) / 4))
        epoll = FileDescriptor(Int32(try SystemCall.value("epoll_create1", throwing: HTTPServerError.self) {
            Int(epoll_create1(Int32(EPOLL_CLOEXEC)))
        }))
        wakeup = FileDescriptor(Int32(try SystemCall.value("eventfd", throwing: HTTPServerError.self) {
            Int(eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)))
        }))
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        do {
            try register(wakeup.raw, events: EPOLLIN.rawValue, token: Self.wakeToken)
            try registerListeners()
        } catch {
            readBuffer.deallocate()
            throw error
        }
    }

    deinit { readBuffer.deallocate() }

    /// Thread-safe: queues a message for the loop and wakes it if the mailbox was empty.
    func post(_ message: Message) {
        let wasEmpty = mailbox.withLock { queue in
            let empty = queue.isEmpty
            queue.append(message)
            return empty
        }
        guard wasEmpty else { return }
        var one: UInt64 = 1
        // Only EAGAIN (counter saturated, so a wake-up is pending anyway) can fail here.
        _ = try? SystemCall.run("write(eventfd)") { withUnsafeBytes(of: &one) { write(wakeup.raw, $0.baseAddress, 8) } }
    }

    /// Thread-safe: hands an accepted connection to this loop. False (the caller keeps the descriptor) once
    /// this loop has ended.
    func handOver(fd: Int32, listener: Int, peer: String) -> Bool {
        takesHandOvers.withLock { open in
            guard open else { return false }
            post(.adopt(fd: fd, listener: listener, peer: peer))
            return true
        }
    }

    /// Refuses further hand-overs and closes those that arrived after the last look at the mailbox.
    private func closeHandOvers() {
        takesHandOvers.withLock { $0 = false }
        let late = mailbox.withLock { queue in
            let taken = queue
            queue = []
            return taken
        }
        for case let .adopt(fd, listener, peer) in late {
            FileDescriptor(fd).close()
            load.subtract(1, ordering: .relaxed)
            connectionCount.release(peer: peer, isTCP: listeners.indices.contains(listener) && listeners[listener].family == .tcp)
        }
        siblings = []
    }

    /// The thread body: waits for events, runs timeouts, returns once shut down with no connection left.
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: Int(Self.maxEventsPerWait))
        var nextSweep = now + sweepInterval
        while !(stopping && openConnections == 0) {
            let waitNanoseconds = nextSweep > now ? nextSweep - now : 0
            let timeout = resumable.isEmpty ? Int32(min(waitNanoseconds / 1_000_000 + 1, 1000)) : 0
            let ready: Int
            do {
                let result = try SystemCall.run("epoll_wait") {
                    Int(epoll_wait(epoll.raw, &events, Self.maxEventsPerWait, timeout))
                }
                guard case let .value(count) = result else { continue }
                ready = count
            } catch {
                // epoll_wait only fails on a broken epoll fd; nothing can be served, so close and stop.
                closeAll()
                closeHandOvers()
                return
            }
            now = MonotonicClock.now()
            // A saturated loop takes new connections first: otherwise a new client (a local service on the Unix
            // socket, another address) waits behind every ready connection of a flood before it is even accepted.
            if (ready == Int(Self.maxEventsPerWait) || !resumable.isEmpty) && !acceptPaused {
                for listener in listeners { accept(from: listener) }
            }
            for index in 0..<ready {
                handle(events: events[index].events, token: events[index].data.u64)
            }
            resumeConnections()
            if now >= nextSweep {
                sweep()
                nextSweep = now + sweepInterval
            }
        }
        closeHandOvers()
    }

    private func handle(events: UInt32, token: UInt64) {
        if token == Self.wakeToken {
            drainMailbox()
        } else if token > UInt64.max - 1 - UInt64(listeners.count) {
            let index = Int(UInt64.max - 1 - token)
            if index < listeners.count { accept(from: listeners[index]) }
        } else {
            // The id check drops events for a connection closed earlier in this batch whose fd was reused.
            let fd = Int(token & 0xFFFF_FFFF)
            guard fd < connections.count, let connection = connections[fd], connection.id == token else { return }
            connectionEvent(connection, events: events)
        }
    }

    private func drainMailbox() {
        var counter: UInt64 = 0
        _ = try? SystemCall.run("read(eventfd)") { withUnsafeMutableBytes(of: &counter) { read(wakeup.raw, $0.baseAddress, 8) } }
        let messages = mailbox.withLock { queue in
            let taken = queue
            queue = []
            return taken
        }
        for message in messages {
            switch message {
            case let .deliver(id, sequence, response):
                let fd = Int(id & 0xFFFF_FFFF)
                guard fd < connections.count, let connection = connections[fd], connection.id == id else { continue }
                fill(connection, sequence: sequence, with: response)
                drive(connection)
            case let .adopt(fd, listenerIndex, peer):
                let socket = FileDescriptor(fd)
                guard !stopping, listenerIndex < listeners.count else {
                    socket.close()
                    load.subtract(1, ordering: .relaxed)
                    connectionCount.release(peer: peer, isTCP: listeners.indices.contains(listenerIndex)
                                                && listeners[listenerIndex].family == .tcp)
                    continue
                }
                adopt(socket, from: listeners[listenerIndex], peer: peer)
            case .shutdown:
                beginShutdown()
            }
        }
    }

    /// Stop accepting, close idle connections now, and let the others finish what they have received.
    private func beginShutdown() {
        guard !stopping else { return }
        stopping = true
        pauseAccepting()
        listenerRelease.loopReleased()
        for case let connection? in connections {
            if connection.isIdle { close(connection) } else { drive(connection) }
        }
    }

    /// Applies the idle, request, write and linger timeouts, and resumes accepting after descriptor exhaustion.
    private func sweep() {
        if acceptPaused && !stopping {
            acceptPaused = false
            try? registerListeners()
        }
        if connectionCount.isNearlyFull && !stopping { shedIdleConnections() }
        _ = isOverBudget()
        for case let connection? in connections {
            if connection.isLingering {
                if now >= connection.lingerDeadline { close(connection) }
                continue
            }
            if connection.requestStart != 0, connection.acceptsRequests,
               connection.slots.count < configuration.maxPipelinedRequests,
               now - connection.requestStart > requestTimeout {
                if connection.isIdle {
                    close(connection)  // never sent a request: nothing to answer
                } else {
                    refuse(connection, ParseFailure(408, "The request was not received in time."))
                    drive(connection)
                }
                continue
            }
            if connection.pendingOutput > 0, now - connection.lastWriteProgress > writeTimeout {
                close(connection)  // a client that stopped reading its responses
                continue
            }
            let quiet = now > connection.lastActivity && now - connection.lastActivity > idleTimeout
            if quiet && connection.isIdle { close(connection) }
        }
    }

    func register(_ fd: Int32, events: UInt32, token: UInt64) throws(HTTPServerError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        _ = try SystemCall.value("epoll_ctl(ADD)", throwing: HTTPServerError.self) {
            Int(epoll_ctl(epoll.raw, EPOLL_CTL_ADD, fd, &event))
        }
    }

    /// EPOLLEXCLUSIVE: every loop watches every listener, but the kernel wakes only one loop per connection.
    func registerListeners() throws(HTTPServerError) {
        for (index, listener) in listeners.enumerated() {
            try register(listener.socket.raw, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue,
                         token: Self.listenerToken(index))
        }
    }

    func pauseAccepting() {
        guard !acceptPaused else { return }
        acceptPaused = true
        for listener in listeners {
            _ = try? SystemCall.value("epoll_ctl(DEL)") { Int(epoll_ctl(epoll.raw, EPOLL_CTL_DEL, listener.socket.raw, nil)) }
        }
    }

    private func closeAll() {
        for case let connection? in connections { close(connection) }
    }
}
