import Glibc
import Platform

/// Waits until a server answers `GET path` with 2xx, for start-up measurements.
public enum ReadinessProbe {
    /// Polls every millisecond until the server answers or `timeout` seconds pass.
    /// Returns the nanoseconds of CLOCK_REALTIME at which the answer arrived.
    public static func waitUntilReady(_ target: LoadTarget, path: String = "/", timeout: Double) throws(LoadError) -> UInt64 {
        var plan = LoadPlan(target: target)
        plan.path = path
        let request = RequestSet(try plan.validated()).next()
        let deadline = MonotonicClock.now() + MonotonicClock.nanoseconds(timeout)
        while MonotonicClock.now() < deadline {
            if try probe(target, request: request, deadline: deadline) { return SystemWallClock.nanosecondsSinceEpoch() }
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            _ = nanosleep(&pause, nil)
        }
        throw LoadError(.notReady, "\(target) did not answer GET \(path) with 2xx within \(timeout) s")
    }

    /// One attempt: connect, send, read one response. True on 2xx; false when the server is not there yet.
    private static func probe(_ target: LoadTarget, request: [UInt8], deadline: UInt64) throws(LoadError) -> Bool {
        guard case .success(let socket) = target.startConnect() else { return false }
        // Closed when this returns.
        defer { socket.close() }
        let fd = socket.raw
        var fds = [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)]
        guard poll(&fds, 1, 100) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else { return false }
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { return false }
        var input: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while MonotonicClock.now() < deadline {
            fds[0].events = Int16(POLLIN)
            guard poll(&fds, 1, 100) >= 0 else { return false }
            if fds[0].revents == 0 { continue }
            let result = try? SystemCall.run("read") { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if result == .wouldBlock { continue }
            guard case .value(let count) = result, count > 0 else { return false }
            input.append(contentsOf: buffer[0..<count])
            switch ResponseScanner.scan(input, from: 0) {
            case .incomplete: continue
            case .malformed: return false
            case let .head(status, _, _): return status / 100 == 2
            }
        }
        return false
    }
}
