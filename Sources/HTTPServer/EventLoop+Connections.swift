import CEpoll
import Glibc
import Platform

/// Connection handling of an event loop: accept, read, parse, answer in order, write, close.
extension EventLoop {
    private static let overloadResponse = closingAnswer(503, "Too many connections; try again later.")
    private static let addressOverloadResponse = closingAnswer(503, "Too many connections from your address; close some and try again.")

    private static func closingAnswer(_ status: Int, _ detail: String) -> [UInt8] {
        var bytes: [UInt8] = []
        ResponseSerializer.append(.error(status, detail), isHead: false, closes: true, isHTTP10: false, date: [], to: &bytes)
        return bytes
    }

    // MARK: Accept

    func accept(from listener: Listener) {
        guard !stopping else { return }
        // A bounded batch per wake-up keeps one busy listener from starving the loop's connections.
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let result: IOResult
            do throws(SystemCallError) {
                result = try SystemCall.run("accept4") {
                    withUnsafeMutablePointer(to: &storage) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Int(accept4(listener.socket.raw, $0, &length, flags)) }
                    }
                }
            } catch {
                switch error.errno {
                case ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, ENETUNREACH:
                    continue  // that one client is gone; others may be waiting
                case EMFILE, ENFILE, ENOBUFS, ENOMEM, EINVAL:
                    // Level-triggered epoll would spin on a listener we cannot accept from; retry at the next sweep.
                    // EINVAL: shutdown() has just stopped the listener and our shutdown message is on its way.
                    pauseAccepting()
                    return
                default:
                    return
                }
            }
            guard case let .value(fd) = result else { return }
            let socket = FileDescriptor(Int32(fd))
            let isTCP = listener.family == .tcp
            let peer = isTCP ? SocketAddress.ipText(&storage) : "unix"
            // Nearly full: the oldest idle connections make room, before anyone is turned away.
            if connectionCount.isNearlyFull { shedIdleConnections() }
            switch connectionCount.admit(peer: peer, isTCP: isTCP) {
            case .admitted:
                break
            case .full:
                turnAway(socket, Self.overloadResponse)
                continue
            case .addressFull:
                turnAway(socket, Self.addressOverloadResponse)
                continue
            }
            // EPOLLEXCLUSIVE wakes one loop, which then drains the whole backlog: without this, a burst of
            // connections (a client pool opening) all lands on one loop and one core.
            let target = leastLoaded()
            target.load.add(1, ordering: .relaxed)
            if target !== self {
                if target.handOver(fd: socket.raw, listener: listenerIndex(listener), peer: peer) {
                    _ = socket.release()
                    continue
                }
                target.load.subtract(1, ordering: .relaxed)
                load.add(1, ordering: .relaxed)
            }
            adopt(socket, from: listener, peer: peer)
        }
    }

    /// Best effort: the client has usually not sent anything yet, so it reads this before our close.
    private func turnAway(_ socket: FileDescriptor, _ answer: [UInt8]) {
        _ = try? SystemCall.run("send") {
            answer.withUnsafeBytes { send(socket.raw, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        socket.close()
    }

    /// Closes the oldest tenth of this loop's idle connections (nothing received, nothing owed), at most once per
    /// `shedIntervalNanoseconds`: a table filled by silent or idle clients keeps room for new ones.
    func shedIdleConnections() {
        guard now &- lastShed >= Self.shedIntervalNanoseconds else { return }
        lastShed = now
        var idle = connections.compactMap { $0 }.filter(\.isIdle)
        guard !idle.isEmpty else { return }
        idle.sort { $0.lastActivity < $1.lastActivity }
        for connection in idle.prefix(max(1, idle.count / 10)) { close(connection) }
    }

    /// Whether answers waiting across the server exceed the output budget, after this loop has dropped its
    /// connections whose clients do not read (oldest progress first) to get back under it.
    func isOverBudget() -> Bool {
        guard connectionCount.isOverBudget(configuration.outputBudgetBytes) else { return false }
        guard now &- lastStalledShed >= Self.shedIntervalNanoseconds else { return true }
        lastStalledShed = now
        var stalled = connections.compactMap { $0 }.filter { $0.pendingOutput > 0 }
        stalled.sort { $0.lastWriteProgress < $1.lastWriteProgress }
        for connection in stalled {
            close(connection)
            if !connectionCount.isOverBudget(configuration.outputBudgetBytes) { return false }
        }
        return true
    }

    /// The loop with the fewest connections, this one when tied (no hand-over needed).
    private func leastLoaded() -> EventLoop {
        var best = self
        var bestLoad = load.load(ordering: .relaxed)
        for loop in siblings where loop !== self {
            let candidate = loop.load.load(ordering: .relaxed)
            if candidate < bestLoad {
                best = loop
                bestLoad = candidate
            }
        }
        return best
    }

    private func listenerIndex(_ listener: Listener) -> Int {
        listeners.firstIndex { $0 === listener } ?? 0
    }

    /// Takes a connection into this loop; `load` already counts it.
    func adopt(_ socket: FileDescriptor, from listener: Listener, peer: String) {
        let fd = socket.raw
        if listener.family == .tcp {
            var on: Int32 = 1
            // Responses are written whole; Nagle would only delay them.
            // A failure only costs latency, so it does not cost the client its connection.
            _ = try? SystemCall.value("setsockopt(TCP_NODELAY)") {
                Int(setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size)))
            }
        }
        // 31 bits of generation keep ids below the listener and wake-up tokens.
        generation = (generation + 1) & 0x7FFF_FFFF
        let id = (generation << 32) | UInt64(UInt32(fd))
        let isTCP = listener.family == .tcp
        do {
            try register(fd, events: EPOLLIN.rawValue, token: id)
        } catch {
            connectionCount.release(peer: peer, isTCP: isTCP)
            load.subtract(1, ordering: .relaxed)
            return  // `socket` closes the descriptor as it goes out of scope
        }
        let parser = HTTPRequestParser(maxHeaderBytes: configuration.maxHeaderBytes, maxBodyBytes: configuration.maxBodyBytes,
                                       listenerTag: listener.tag, peer: peer)
        let connection = Connection(socket: socket, id: id, isTCP: isTCP, peer: peer, parser: parser,
                                    now: now, events: EPOLLIN.rawValue)
        if connections.count <= Int(fd) {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count))
        }
        connections[Int(fd)] = connection
        openConnections += 1
        // The request usually arrived with the connection: answering it now spares a new client a wait behind every
        // connection already ready (a busy loop serves ready connections in turn).
        readable(connection)
    }

    // MARK: Events

    func connectionEvent(_ connection: Connection, events: UInt32) {
        let failed = events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if events & EPOLLIN.rawValue != 0 {
            readable(connection)
        } else if failed {
            close(connection)  // reset or fully closed while we were not reading: nothing more can be sent
            return
        }
        if events & EPOLLOUT.rawValue != 0, connection.socket.isOpen {
            drive(connection)
        }
    }

    func readable(_ connection: Connection) {
        let result: IOResult
        do {
            result = try SystemCall.run("read") { read(connection.socket.raw, readBuffer.baseAddress, readBuffer.count) }
        } catch {
            close(connection)
            return
        }
        guard case let .value(count) = result else { return }
        if connection.isLingering {
            if count == 0 { close(connection) }
            return
        }
        if count == 0 {
            // The client finished sending; answer what it already asked, then close.
            connection.peerClosed = true
            connection.acceptsRequests = false
            connection.stash = []
            connection.requestStart = 0
            drive(connection)
            return
        }
        connection.lastActivity = now
        feed(connection, UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
        drive(connection)
    }

    /// Parses as many requests as the pipeline allows; the rest waits in `stash`.
    private func feed(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count && connection.acceptsRequests {
            // A full pipeline, or answers the client has not read yet: the rest waits until they are sent.
            if connection.slots.count >= configuration.maxPipelinedRequests
                || connection.pendingOutput >= configuration.maxPendingOutputBytes {
                connection.stash.append(contentsOf: bytes[offset...])
                break
            }
            let (consumed, event) = connection.parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            offset += consumed
            switch event {
            case .needMore:
                if consumed == 0 { return }
            case .expectContinue:
                appendSlot(to: connection, content: .interimContinue, closes: false, isHead: false, isHTTP10: false)
            case let .request(request, keepAlive):
                connection.awaitingFirstRequest = false
                connection.requestStart = 0
                if isOverBudget() {
                    // Answers already wait everywhere, and none of this loop's clients who do not read were left to
                    // drop: take no more work.
                    refuse(connection, ParseFailure(503, "The server is busy; try again later."))
                } else {
                    dispatch(request, keepAlive: keepAlive, on: connection)
                    serializeReady(connection)
                }
            case let .failure(failure):
                connection.awaitingFirstRequest = false
                connection.requestStart = 0
                refuse(connection, failure)
            }
        }
        if connection.parser.isMidRequest && connection.acceptsRequests {
            if connection.requestStart == 0 { connection.requestStart = now }
        } else if !connection.awaitingFirstRequest {
            connection.requestStart = 0
        }
    }

    /// Queues a server-generated error as the connection's last answer.
    func refuse(_ connection: Connection, _ failure: ParseFailure) {
        connection.acceptsRequests = false
        connection.stash = []
        connection.requestStart = 0
        appendSlot(to: connection, content: .ready(.error(failure.status, failure.detail)), closes: true,
                   isHead: false, isHTTP10: false)
    }

    @discardableResult
    private func appendSlot(to connection: Connection, content: Connection.Slot.Content, closes: Bool, isHead: Bool,
                            isHTTP10: Bool) -> UInt64 {
        let sequence = connection.nextSequence
        connection.nextSequence += 1
        connection.slots.append(Connection.Slot(sequence: sequence, content: content, closes: closes, isHead: isHead,
                                                isHTTP10: isHTTP10))
        return sequence
    }

    /// Hands a complete request to the responder; its answer (now or later) fills the request's slot.
    private func dispatch(_ request: HTTPRequest, keepAlive: Bool, on connection: Connection) {
        if !keepAlive { connection.acceptsRequests = false }
        let sequence = appendSlot(to: connection, content: .waiting, closes: !keepAlive, isHead: request.method == "HEAD",
                                  isHTTP10: request.version == .http1_0)
        let id = connection.id
        let deferred = DeferredResponse { [self] response in
            post(.deliver(connection: id, sequence: sequence, response: response))
        }
        if let response = responder.respond(to: request, deferred: deferred) {
            deferred.markAnsweredDirectly()
            fill(connection, sequence: sequence, with: response)
        }
    }

    func fill(_ connection: Connection, sequence: UInt64, with response: HTTPResponse) {
        guard let index = connection.slots.firstIndex(where: { $0.sequence == sequence }),
              case .waiting = connection.slots[index].content else { return }
        connection.slots[index].content = .ready(response)
        if ResponseSerializer.asksToClose(response) { connection.slots[index].closes = true }
    }

    // MARK: Answering

    /// Moves every answer that is next in line into the output, writes, then decides what to wait for.
    func drive(_ connection: Connection) {
        guard connection.socket.isOpen, !connection.isLingering else { return }
        // Fairness: one pipeline from the read-ahead per turn; the rest waits for the loop's next round, so a client
        // that pipelines thousands of requests cannot hold the loop while others wait.
        var fedFromStash = false
        while true {
            serializeReady(connection)
            if mayFeedStash(connection) && !fedFromStash {
                fedFromStash = true
                let pending = connection.stash
                connection.stash = []
                pending.withUnsafeBytes { feed(connection, $0) }
                continue
            }
            guard flush(connection) else { return }
            // What the kernel just took may make room for the requests read ahead.
            guard mayFeedStash(connection) else { break }
            if fedFromStash {
                resumeLater(connection)
                break
            }
        }
        account(connection)
        if connection.pendingOutput > 0, connectionCount.isOverBudget(configuration.outputBudgetBytes) {
            close(connection)  // its client does not read, and answers already wait everywhere
            return
        }
        if connection.pendingOutput == 0 {
            if connection.closeWhenFlushed {
                startLingering(connection)
                return
            }
            if connection.peerClosed && connection.slots.isEmpty {
                close(connection)
                return
            }
            if stopping && connection.isIdle {
                close(connection)
                return
            }
        }
        updateInterest(connection)
    }

    private func resumeLater(_ connection: Connection) {
        guard !connection.scheduledResume else { return }
        connection.scheduledResume = true
        resumable.append(connection)
    }

    /// Drives the connections that still had requests read ahead at the end of their last turn: at most a batch's
    /// worth per round, so a round stays short and new connections are accepted between rounds.
    func resumeConnections() {
        let count = min(resumable.count, Int(Self.maxEventsPerWait))
        let batch = resumable.prefix(count)
        resumable.removeFirst(count)
        for connection in batch {
            connection.scheduledResume = false
            let fd = Int(connection.socket.raw)
            guard fd >= 0, fd < connections.count, connections[fd] === connection else { continue }
            drive(connection)
        }
    }

    private func mayFeedStash(_ connection: Connection) -> Bool {
        !connection.stash.isEmpty && connection.acceptsRequests && !connection.closeWhenFlushed
            && connection.slots.count < configuration.maxPipelinedRequests
            && connection.pendingOutput < configuration.maxPendingOutputBytes
    }

    /// Moves the answers that are next in line into the output.
    private func serializeReady(_ connection: Connection) {
        while let slot = connection.slots.first, slot.isReady, !connection.closeWhenFlushed {
            connection.slots.removeFirst()
            serialize(slot, on: connection)
        }
    }

    private func serialize(_ slot: Connection.Slot, on connection: Connection) {
        if connection.pendingOutput == 0 { connection.lastWriteProgress = now }
        switch slot.content {
        case .waiting:
            return
        case .interimContinue:
            connection.output.append(contentsOf: ResponseSerializer.continueLine)
        case let .ready(response):
            // While stopping, the last answer a connection owes tells the client the connection ends here.
            let lastWhileStopping = stopping && connection.slots.isEmpty && connection.stash.isEmpty
                && !connection.parser.isMidRequest
            let closes = slot.closes || lastWhileStopping || connection.peerClosed && connection.slots.isEmpty
            ResponseSerializer.append(response, isHead: slot.isHead, closes: closes, isHTTP10: slot.isHTTP10,
                                      date: date.current(), to: &connection.output)
            if closes {
                connection.closeWhenFlushed = true
                connection.acceptsRequests = false
                connection.slots = []
                connection.stash = []
            }
        }
    }

    /// Writes pending output until done or EAGAIN. Returns false if the connection was closed.
    private func flush(_ connection: Connection) -> Bool {
        while connection.pendingOutput > 0 {
            let result: IOResult
            do {
                // send + MSG_NOSIGNAL: a client that went away must cost us EPIPE, not a process-killing SIGPIPE.
                result = try SystemCall.run("send") {
                    connection.output.withUnsafeBytes { bytes in
                        guard let base = bytes.baseAddress else { return 0 }
                        return send(connection.socket.raw, base + connection.outputOffset, connection.pendingOutput,
                                    Int32(MSG_NOSIGNAL))
                    }
                }
            } catch {
                close(connection)
                return false
            }
            guard case let .value(written) = result, written > 0 else { break }
            connection.outputOffset += written
            connection.lastActivity = now
            connection.lastWriteProgress = now
        }
        if connection.pendingOutput == 0 && !connection.output.isEmpty {
            // Release the buffer: idle connections must not keep response-sized allocations.
            connection.output = []
            connection.outputOffset = 0
        }
        return true
    }

    /// Shut down our side, then read and discard until the client closes or the linger time ends.
    private func startLingering(_ connection: Connection) {
        do {
            _ = try SystemCall.value("shutdown") { Int(Glibc.shutdown(connection.socket.raw, Int32(SHUT_WR))) }
        } catch {
            close(connection)  // ENOTCONN: the client is already gone
            return
        }
        connection.lingerDeadline = now + Self.lingerNanoseconds
        connection.slots = []
        connection.stash = []
        account(connection)
        updateInterest(connection)
    }

    private func updateInterest(_ connection: Connection) {
        var events: UInt32 = 0
        if connection.isLingering {
            events = EPOLLIN.rawValue
        } else {
            let wantsInput = !connection.peerClosed && connection.acceptsRequests && connection.stash.isEmpty
                && connection.slots.count < configuration.maxPipelinedRequests
                && connection.pendingOutput < configuration.maxPendingOutputBytes
            if wantsInput { events |= EPOLLIN.rawValue }
            if connection.pendingOutput > 0 { events |= EPOLLOUT.rawValue }
        }
        guard events != connection.registeredEvents else { return }
        var event = epoll_event()
        event.events = events
        event.data.u64 = connection.id
        do {
            _ = try SystemCall.value("epoll_ctl(MOD)") { Int(epoll_ctl(epoll.raw, EPOLL_CTL_MOD, connection.socket.raw, &event)) }
            connection.registeredEvents = events
        } catch {
            close(connection)
        }
    }

    /// The one place a connection ends: its descriptor closes (leaving epoll with it) and the counts drop.
    func close(_ connection: Connection) {
        let fd = Int(connection.socket.raw)
        guard fd >= 0 else { return }
        if fd < connections.count, connections[fd] === connection { connections[fd] = nil }
        connection.socket.close()
        openConnections -= 1
        load.subtract(1, ordering: .relaxed)
        connectionCount.bufferedBytes.subtract(connection.accountedBytes, ordering: .relaxed)
        connection.accountedBytes = 0
        connectionCount.release(peer: connection.peer, isTCP: connection.isTCP)
    }

    /// Brings the server-wide count of buffered bytes up to date with this connection.
    private func account(_ connection: Connection) {
        let current = connection.bufferedBytes
        guard current != connection.accountedBytes else { return }
        connectionCount.bufferedBytes.add(current - connection.accountedBytes, ordering: .relaxed)
        connection.accountedBytes = current
    }
}
