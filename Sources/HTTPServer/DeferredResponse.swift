import Synchronization

/// The promise of a later answer to one request. `complete(_:)` may be called from any thread; only the first
/// call counts. If it is dropped without ever being completed, a 500 is delivered instead, so a forgotten
/// answer cannot wedge a keep-alive connection.
public final class DeferredResponse: Sendable {
    private let deliver: @Sendable (HTTPResponse) -> Void
    private let finished = Atomic<Bool>(false)

    /// `deliver` receives the one response. Public so responders can be exercised without a server.
    public init(_ deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        self.deliver = deliver
    }

    public func complete(_ response: HTTPResponse) {
        guard finished.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        deliver(response)
    }

    /// Whether `complete(_:)` has been called (or the responder answered directly).
    public var isCompleted: Bool { finished.load(ordering: .acquiring) }

    /// Marks the request as answered directly by `respond(to:deferred:)`, so later `complete` calls are ignored.
    /// Public for responders that hand their routes a wrapping `DeferredResponse` (to time the answer).
    public func markAnsweredDirectly() {
        finished.store(true, ordering: .releasing)
    }

    deinit {
        if !finished.load(ordering: .acquiring) {
            deliver(.error(500, "The server did not produce a response."))
        }
    }
}
