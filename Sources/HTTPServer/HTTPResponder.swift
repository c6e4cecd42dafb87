/// The application side of the server: one method, called on an event-loop thread for every complete request.
/// It must not block: slow work goes elsewhere and answers through `deferred`.
public protocol HTTPResponder: Sendable {
    /// Return a response now, or return nil and call `deferred.complete(_:)` exactly once later from any thread
    /// (used when work goes to a worker pool or a batching database writer).
    func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse?
}
