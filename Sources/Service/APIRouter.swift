import HTTPServer
import JSON
import Synchronization

/// Maps requests to the token endpoints under each listener's prefix. Built once at start-up, then immutable.
public final class APIRouter: HTTPResponder {
    enum Endpoint: String, CaseIterable {
        case obtainPair = "", refresh = "/refresh", verify = "/verify", blacklist = "/blacklist"
        case slidingObtain = "/sliding", slidingRefresh = "/sliding/refresh"
    }

    let service: TokenService
    /// URL prefix per listener tag (the listener's index in `listen:`).
    let prefixes: [Int: String]

    public init(service: TokenService, prefixes: [Int: String]) {
        self.service = service
        self.prefixes = prefixes
    }

    public func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse? {
        var path = request.path
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
        if path == "/healthz" {
            return Self.render(status: 200, body: ["status": "ok"], extraHeaders: [])
        }
        let prefix = prefixes[request.listenerTag] ?? "/api/token"
        guard path.hasPrefix(prefix),
              let endpoint = Endpoint(rawValue: String(path.dropFirst(prefix.count))) else {
            return Self.render(status: 404, body: ["detail": "Not found."], extraHeaders: [])
        }
        switch request.method {
        case "POST":
            break
        case "OPTIONS":
            return Self.render(status: 200, body: EndpointMetadata.describe(endpoint), extraHeaders: [])
        default:
            return Self.render(error: .detail(405, "Method \"\(request.method)\" not allowed."))
        }

        let fields: RequestFields
        do {
            fields = try RequestFields.parse(body: request.body, contentType: request.headers["Content-Type"])
        } catch {
            return Self.render(error: error)
        }
        switch endpoint {
        case .verify: return Self.render(service.verify(fields))
        case .blacklist: return Self.render(service.blacklist(fields))
        case .slidingRefresh: return Self.render(service.slidingRefresh(fields))
        case .obtainPair, .slidingObtain:
            return InlineAnswer.collect(deferred) { answer in
                service.obtain(fields, sliding: endpoint == .slidingObtain) { answer(Self.render($0)) }
            }
        case .refresh:
            return InlineAnswer.collect(deferred) { answer in
                service.refresh(fields) { answer(Self.render($0)) }
            }
        }
    }

    /// Lets an asynchronous operation answer on the caller's thread when it completes before returning (field
    /// errors, invalid tokens, 503 when the hashing pool is full). Such an answer is returned directly instead
    /// of making the event loop's mailbox round trip (an eventfd write and wake-up): under a login storm the
    /// 503s cost less than a verify instead of more.
    private final class InlineAnswer: Sendable {
        private enum State {
            case running
            case answered(HTTPResponse)
            case returned
        }

        private let state = Mutex(State.running)
        private let deferred: DeferredResponse

        private init(_ deferred: DeferredResponse) { self.deferred = deferred }

        static func collect(_ deferred: DeferredResponse,
                            _ start: (@escaping @Sendable (HTTPResponse) -> Void) -> Void) -> HTTPResponse? {
            let inline = InlineAnswer(deferred)
            start { response in inline.answer(response) }
            return inline.finishCall()
        }

        private func answer(_ response: HTTPResponse) {
            let late = state.withLock { state -> Bool in
                guard case .running = state else { return true }
                state = .answered(response)
                return false
            }
            if late { deferred.complete(response) }
        }

        /// The answer given during the call, if any; later answers go to `deferred`.
        private func finishCall() -> HTTPResponse? {
            state.withLock { state -> HTTPResponse? in
                defer { state = .returned }
                if case .answered(let response) = state { return response }
                return nil
            }
        }
    }

    static func render(_ result: Result<JSONObject, APIError>) -> HTTPResponse {
        switch result {
        case .success(let body):
            // verify and blacklist answer `{}`: the same bytes every time, so build them once.
            if body.isEmpty { return emptySuccess }
            return render(status: 200, body: body, extraHeaders: [])
        case .failure(let error): return render(error: error)
        }
    }

    static func render(error: APIError) -> HTTPResponse {
        render(status: error.status, body: error.body, extraHeaders: error.headers)
    }

    /// DRF's response headers (`Allow`, `Vary`) plus no-store: token responses must never be cached.
    /// Built once; each response copies the (copy-on-write) value instead of adding five fields again.
    static let standardHeaders: HTTPHeaders = [
        "Content-Type": "application/json", "Allow": "POST, OPTIONS", "Vary": "Accept", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    ]

    static let emptySuccess = HTTPResponse(status: 200, headers: standardHeaders, body: Array("{}".utf8))

    static func render(status: Int, body: JSONObject, extraHeaders: [(String, String)]) -> HTTPResponse {
        var headers = standardHeaders
        for (name, value) in extraHeaders { headers.add(name, value) }
        return HTTPResponse(status: status, headers: headers, body: JSON.serialize(.object(body)))
    }
}
