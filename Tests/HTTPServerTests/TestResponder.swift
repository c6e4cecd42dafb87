import Dispatch
import HTTPServer
import Synchronization

/// Requests parked by `/hold`, so a test can decide when (and whether) they are answered.
final class HeldRequests: Sendable {
    private let held = Mutex<[(HTTPRequest, DeferredResponse)]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func add(_ request: HTTPRequest, _ deferred: DeferredResponse) {
        held.withLock { $0.append((request, deferred)) }
        arrived.signal()
    }

    /// Waits for the next held request (up to 5 s).
    func next() -> (HTTPRequest, DeferredResponse)? {
        guard arrived.wait(timeout: .now() + 5) == .success else { return nil }
        return held.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}

/// Routes by path: echo (default), `/defer?ms=N` (answers later from another thread), `/hold` (parked),
/// `/drop` (never answered), `/close` (asks to close), `/status?code=N`, `/big?n=N` (N-byte body).
struct TestResponder: HTTPResponder {
    let held = HeldRequests()

    /// `size` bytes of 0, 1, … 250, 0, 1, …: built by whole periods, so even a debug build makes megabytes at once
    /// (a slow answer would look like a stalled server to a client's receive timeout on a loaded machine).
    static func pattern(_ size: Int) -> [UInt8] {
        let period = (0..<251).map { UInt8($0) }
        var body: [UInt8] = []
        body.reserveCapacity(size)
        while body.count < size { body.append(contentsOf: period.prefix(size - body.count)) }
        return body
    }

    func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse? {
        switch request.path {
        case "/defer":
            let milliseconds = Int(request.query.split(separator: "=").last ?? "0") ?? 0
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                deferred.complete(Self.echo(request))
            }
            return nil
        case "/hold":
            held.add(request, deferred)
            return nil
        case "/drop":
            return nil
        case "/close":
            var response = Self.echo(request)
            response.headers.add("Connection", "close")
            return response
        case "/big":
            let size = Int(request.query.split(separator: "=").last ?? "0") ?? 0
            return HTTPResponse(status: 200, headers: ["X-Path": "/big"], body: Self.pattern(size))
        case "/status":
            let code = Int(request.query.split(separator: "=").last ?? "200") ?? 200
            return HTTPResponse(status: code, headers: ["X-Status": "\(code)"], body: Array("status".utf8))
        default:
            return Self.echo(request)
        }
    }

    static func echo(_ request: HTTPRequest) -> HTTPResponse {
        let summary = "\(request.method) \(request.path) q=\(request.query) v=\(request.version) tag=\(request.listenerTag) "
            + "peer=\(request.peer) body="
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain", "X-Path": request.path],
                            body: Array(summary.utf8) + request.body)
    }
}
