import Glibc
import Platform

/// One client thread: drives its connections with poll() until the deadline, counting what happens.
/// All state is touched by that one thread until `run` returns, which is why it is `@unchecked Sendable`.
final class LoadWorker: @unchecked Sendable {
    private let plan: LoadPlan
    private let requests: RequestSet
    private let deadline: UInt64
    private let timeoutNanoseconds: UInt64
    private let connections: [ClientConnection]
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    private(set) var tally = LoadTally()

    init(plan: LoadPlan, requests: RequestSet, connections count: Int, deadline: UInt64) {
        self.plan = plan
        self.requests = requests
        self.deadline = deadline
        timeoutNanoseconds = MonotonicClock.nanoseconds(plan.requestTimeout)
        connections = (0..<count).map { _ in ClientConnection() }
    }

    func run() {
        var fds: [pollfd] = []
        var polled: [ClientConnection] = []
        var now = MonotonicClock.now()
        while now < deadline {
            fds.removeAll(keepingCapacity: true)
            polled.removeAll(keepingCapacity: true)
            for connection in connections {
                if connection.state == .closed {
                    guard now >= connection.reconnectAt, !(plan.holdIdle && connection.reconnectAt == .max) else { continue }
                    open(connection, now: now)
                }
                let events: Int16
                switch connection.state {
                case .closed: continue
                case .connecting, .sending: events = Int16(POLLOUT)
                case .receiving, .holding: events = Int16(POLLIN)
                }
                fds.append(pollfd(fd: connection.fd, events: events, revents: 0))
                polled.append(connection)
            }
            let waitMilliseconds = Int32(min(10, (deadline - now) / 1_000_000 + 1))
            let ready: Int
            do {
                ready = try SystemCall.value("poll") { Int(poll(&fds, nfds_t(fds.count), waitMilliseconds)) }
            } catch {
                tally.ioErrors += 1
                break
            }
            now = MonotonicClock.now()
            if ready > 0 {
                for index in fds.indices where fds[index].revents != 0 {
                    handle(polled[index], revents: fds[index].revents, now: now)
                }
            }
            expire(now: now)
        }
        for connection in connections { connection.close() }
    }

    private func open(_ connection: ClientConnection, now: UInt64) {
        switch plan.target.startConnect() {
        case .success(let socket):
            connection.adopt(socket)
            tally.connectionsOpened += 1
            connection.started = now
        case .failure(let failure):
            if failure.errno != EAGAIN { tally.connectErrors += 1 }
            if tally.firstError == nil && failure.errno != EAGAIN { tally.firstError = "\(failure.call): \(failure.reason)" }
            connection.reconnectAt = now + 10_000_000
        }
    }

    private func handle(_ connection: ClientConnection, revents: Int16, now: UInt64) {
        switch connection.state {
        case .connecting:
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
            guard error == 0 else {
                fail(connection, connect: true, "connect: \(SystemCallError("connect", errno: error).reason)", now: now)
                connection.reconnectAt = now + 10_000_000
                return
            }
            startRequest(connection, now: now)
        case .sending:
            send(connection, now: now)
        case .receiving, .holding:
            receive(connection, now: now)
        case .closed:
            return
        }
    }

    private func startRequest(_ connection: ClientConnection, now: UInt64) {
        connection.request = requests.next()
        connection.sent = 0
        connection.started = now
        connection.state = .sending
        send(connection, now: now)
    }

    private func send(_ connection: ClientConnection, now: UInt64) {
        while connection.sent < connection.request.count {
            let result: IOResult
            do {
                result = try SystemCall.run("send") {
                    connection.request.withUnsafeBytes { bytes in
                        Glibc.send(connection.fd, bytes.baseAddress! + connection.sent, bytes.count - connection.sent,
                                   Int32(MSG_NOSIGNAL))
                    }
                }
            } catch {
                fail(connection, connect: false, "send: \(error.reason)", now: now)
                return
            }
            guard case .value(let written) = result else { return }  // poll tells us when to go on
            connection.sent += written
        }
        connection.state = .receiving
    }

    private func receive(_ connection: ClientConnection, now: UInt64) {
        while true {
            let result: IOResult
            do {
                result = try SystemCall.run("read") {
                    readBuffer.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
                }
            } catch {
                fail(connection, connect: false, "read: \(error.reason)", now: now)
                return
            }
            guard case .value(let count) = result else { return }
            if count == 0 {
                closedByPeer(connection, now: now)
                return
            }
            if connection.state == .holding {
                // Nothing is expected on a quiet connection; a stray response is a protocol error.
                fail(connection, connect: false, "unexpected data on an idle connection", now: now)
                return
            }
            connection.input.append(contentsOf: readBuffer[0..<count])
            if !consumeResponses(connection, now: now) { return }
            if count < readBuffer.count { return }
        }
    }

    /// Handles the response(s) now complete in the input. False when the connection was closed or reused.
    private func consumeResponses(_ connection: ClientConnection, now: UInt64) -> Bool {
        switch ResponseScanner.scan(connection.input, from: connection.scanFrom) {
        case .incomplete(let resumeAt):
            connection.scanFrom = resumeAt
            return true
        case .malformed(let reason):
            tally.protocolErrors += 1
            if tally.firstError == nil { tally.firstError = reason }
            connection.close()
            connection.reconnectAt = now
            return false
        case let .head(status, length, closes):
            guard let length else { return true }  // close-delimited: completes at EOF
            guard connection.input.count >= length else { return true }
            if connection.input.count > length {
                tally.protocolErrors += 1
                if tally.firstError == nil { tally.firstError = "more bytes than one response (the server answered twice?)" }
            }
            complete(connection, status: status, now: now)
            if closes || connection.input.count > length {
                connection.close()
                connection.reconnectAt = now
            } else {
                connection.input.removeAll(keepingCapacity: true)
                connection.scanFrom = 0
                next(connection, now: now)
            }
            return false
        }
    }

    private func complete(_ connection: ClientConnection, status: Int, now: UInt64) {
        tally.latency.record(microseconds: (now - connection.started) / 1_000)
        tally.statuses[status, default: 0] += 1
        if !plan.acceptedStatuses.contains(status) { tally.unexpectedStatuses += 1 }
    }

    private func next(_ connection: ClientConnection, now: UInt64) {
        if plan.holdIdle {
            connection.state = .holding
        } else {
            startRequest(connection, now: now)
        }
    }

    private func closedByPeer(_ connection: ClientConnection, now: UInt64) {
        if connection.state == .receiving, !connection.input.isEmpty,
           case let .head(status, nil, _) = ResponseScanner.scan(connection.input, from: 0) {
            complete(connection, status: status, now: now)
            connection.close()
            connection.reconnectAt = now
            return
        }
        fail(connection, connect: false, connection.state == .holding ? "the server closed an idle connection"
                                                                       : "the server closed the connection mid-request",
             now: now)
    }

    private func fail(_ connection: ClientConnection, connect: Bool, _ reason: String, now: UInt64) {
        if connect { tally.connectErrors += 1 } else { tally.ioErrors += 1 }
        if tally.firstError == nil { tally.firstError = reason }
        let wasHolding = connection.state == .holding
        connection.close()
        // An idle-mode connection that the server dropped is not replaced: that would hide the drop.
        connection.reconnectAt = wasHolding ? .max : now
    }

    private func expire(now: UInt64) {
        for connection in connections {
            switch connection.state {
            case .connecting, .sending, .receiving:
                if now - connection.started > timeoutNanoseconds {
                    tally.timeouts += 1
                    if tally.firstError == nil { tally.firstError = "a request got no answer within the timeout" }
                    connection.close()
                    connection.reconnectAt = now
                }
            case .closed, .holding:
                continue
            }
        }
    }
}

/// What one worker counted; the tallies of all workers add up to the report.
struct LoadTally: Sendable {
    var latency = LatencyHistogram()
    var statuses: [Int: UInt64] = [:]
    var connectionsOpened: UInt64 = 0
    var connectErrors: UInt64 = 0
    var ioErrors: UInt64 = 0
    var timeouts: UInt64 = 0
    var protocolErrors: UInt64 = 0
    var unexpectedStatuses: UInt64 = 0
    var firstError: String?

    mutating func add(_ other: LoadTally) {
        latency.add(other.latency)
        for (status, count) in other.statuses { statuses[status, default: 0] += count }
        connectionsOpened += other.connectionsOpened
        connectErrors += other.connectErrors
        ioErrors += other.ioErrors
        timeouts += other.timeouts
        protocolErrors += other.protocolErrors
        unexpectedStatuses += other.unexpectedStatuses
        if firstError == nil { firstError = other.firstError }
    }
}
