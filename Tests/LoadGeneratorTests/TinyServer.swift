import Glibc
import Synchronization

/// A real, deliberately simple HTTP/1.1 server for the generator to talk to: a listening socket (TCP on
/// 127.0.0.1 with an ephemeral port, or a Unix socket), one thread per connection, blocking I/O with short
/// poll timeouts so `stop()` ends every thread. It records every body it received.
///
/// Paths: `/close` answers with `Connection: close`; `/status/NNN` answers status NNN; anything else 200 "ok".
final class TinyServer: @unchecked Sendable {
    let listenFD: Int32
    let port: UInt16
    let unixPath: String?
    private let stopping = Atomic<Bool>(false)
    private let state = Mutex<(bodies: [String], connections: Int, threads: [pthread_t])>(([], 0, []))
    private var acceptThread = pthread_t()

    init(unixPath: String? = nil) throws {
        self.unixPath = unixPath
        if let unixPath {
            unlink(unixPath)
            let fd = socket(AF_UNIX, 1, 0)  // SOCK_STREAM
            guard fd >= 0 else { throw TinyServerError("socket: \(errno)") }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(unixPath.utf8)) }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard rc == 0, listen(fd, 128) == 0 else {
                close(fd)
                throw TinyServerError("bind/listen \(unixPath): \(errno)")
            }
            listenFD = fd
            port = 0
        } else {
            let fd = socket(AF_INET, 1, 0)
            guard fd >= 0 else { throw TinyServerError("socket: \(errno)") }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = 0
            addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let rc = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                    guard bind(fd, pointer, length) == 0, listen(fd, 128) == 0 else { return -1 }
                    return getsockname(fd, pointer, &length)
                }
            }
            guard rc == 0 else {
                close(fd)
                throw TinyServerError("bind/listen: \(errno)")
            }
            listenFD = fd
            port = UInt16(bigEndian: addr.sin_port)
        }
        let context = Unmanaged.passRetained(self).toOpaque()
        guard pthread_create(&acceptThread, nil, { context in
            Unmanaged<TinyServer>.fromOpaque(context!).takeRetainedValue().acceptLoop()
            return nil
        }, context) == 0 else {
            Unmanaged<TinyServer>.fromOpaque(context).release()
            close(listenFD)
            throw TinyServerError("pthread_create")
        }
    }

    var bodies: [String] { state.withLock { $0.bodies } }
    var connectionCount: Int { state.withLock { $0.connections } }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        pthread_join(acceptThread, nil)
        let threads = state.withLock { $0.threads }
        for thread in threads { pthread_join(thread, nil) }
        close(listenFD)
        if let unixPath { unlink(unixPath) }
    }

    private func acceptLoop() {
        while !stopping.load(ordering: .relaxed) {
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 20) == 1 else { continue }
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { continue }
            let handler = ConnectionHandler(fd: fd, server: self)
            let context = Unmanaged.passRetained(handler).toOpaque()
            var thread = pthread_t()
            if pthread_create(&thread, nil, { context in
                Unmanaged<ConnectionHandler>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context) == 0 {
                state.withLock {
                    $0.threads.append(thread)
                    $0.connections += 1
                }
            } else {
                Unmanaged<ConnectionHandler>.fromOpaque(context).release()
                close(fd)
            }
        }
    }

    fileprivate var isStopping: Bool { stopping.load(ordering: .relaxed) }
    fileprivate func received(_ body: String) { state.withLock { $0.bodies.append(body) } }
}

struct TinyServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Serves one connection: reads a request head and Content-Length body, answers, repeats.
private final class ConnectionHandler: @unchecked Sendable {
    let fd: Int32
    let server: TinyServer
    var input: [UInt8] = []

    init(fd: Int32, server: TinyServer) {
        self.fd = fd
        self.server = server
    }

    func run() {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !server.isStopping {
            if let (path, body, consumed) = nextRequest() {
                input.removeFirst(consumed)
                server.received(body)
                guard answer(path) else { return }
                continue
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 20) >= 0 else { return }
            if fds[0].revents == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            input.append(contentsOf: buffer[0..<n])
        }
    }

    /// The path, body and total length of the first complete request in `input`.
    private func nextRequest() -> (String, String, Int)? {
        let text = String(decoding: input, as: UTF8.self)
        guard let headEnd = text.utf8.firstRange(of: "\r\n\r\n".utf8) else { return nil }
        let headLength = text.utf8.distance(from: text.utf8.startIndex, to: headEnd.upperBound)
        let head = String(decoding: input[0..<headLength], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let path = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) ?? 0
        }
        guard input.count >= headLength + length else { return nil }
        let body = String(decoding: input[headLength..<(headLength + length)], as: UTF8.self)
        return (path, body, headLength + length)
    }

    private func answer(_ path: String) -> Bool {
        var status = 200
        if path.hasPrefix("/status/"), let code = Int(path.dropFirst(8)) { status = code }
        let closes = path == "/close"
        let response = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\n" + (closes ? "Connection: close\r\n" : "") + "\r\nok"
        let bytes = Array(response.utf8)
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return sent == bytes.count && !closes
    }
}
