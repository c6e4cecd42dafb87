import HTTPServer

/// The HTTP server's one responder: reads the current runtime once and lets the routes of the listener the
/// request arrived on answer it.
public final class RuntimeResponder: HTTPResponder {
    let reference: RuntimeReference

    public init(_ reference: RuntimeReference) { self.reference = reference }

    public func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse? {
        let responders = reference.runtime.responders
        guard responders.indices.contains(request.listenerTag) else {
            return HTTPResponse(status: 404, headers: ["Content-Type": "application/json"],
                                body: Array(#"{"detail":"Not found."}"#.utf8))
        }
        return responders[request.listenerTag].respond(to: request, deferred: deferred)
    }
}
