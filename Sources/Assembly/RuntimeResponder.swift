import HTTPServer

/// The HTTP server's one responder: reads the current runtime once and lets the routes of the listener the
/// request arrived on answer it.
public final class RuntimeResponder: HTTPResponder {
    let reference: RuntimeReference

    public init(_ reference: RuntimeReference) { self.reference = reference }

    public func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse? {
        let runtime = reference.runtime
        let responders = runtime.responders
        guard responders.indices.contains(request.listenerTag) else {
            return HTTPResponse(status: 404, headers: ["Content-Type": "application/json"],
                                body: Array(#"{"detail":"Not found."}"#.utf8))
        }
        // A late answer keeps its runtime alive: a reload meanwhile must not shut down its claims providers.
        return responders[request.listenerTag].respond(to: request, deferred: deferred, retaining: runtime)
    }
}
