import HTTPServer
import JSON
import Metrics
import Platform

/// One listener's routes, immutable: finds the route for a request's path and the handler for its method, and
/// (when built with metrics) counts and times every answer by route.
public final class RouterResponder: Sendable {
    /// A route with its statistics, found by one dictionary look-up per request.
    private struct Entry: Sendable {
        let route: Route
        let statistics: RequestStatistics?
    }

    private let entries: [String: Entry]
    private let notFound: HTTPResponse
    private let unmatched: RequestStatistics?

    init(routes: [String: Route], notFound: HTTPResponse, metrics: MetricsRegistry?) {
        entries = routes.mapValues { route in
            Entry(route: route, statistics: metrics.map { RequestStatistics(endpoint: route.path, registry: $0) })
        }
        self.notFound = notFound
        unmatched = metrics.map { RequestStatistics(endpoint: "other", registry: $0) }
    }

    public func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse? {
        respond(to: request, deferred: deferred, retaining: nil)
    }

    /// - Parameter owner: kept alive until the request is answered, also when the answer comes later from another
    ///   thread: the runtime these routes belong to, so a reload never shuts down what a request still uses.
    public func respond(to request: HTTPRequest, deferred: DeferredResponse, retaining owner: (any Sendable & AnyObject)?)
        -> HTTPResponse? {
        guard let entry = entries[Route.normalize(request.path)] else {
            unmatched?.record(status: notFound.status, nanoseconds: 0)
            return notFound
        }
        let route = entry.route
        guard let handler = route.handlers[request.method] ?? route.otherMethods else {
            let response = JSONAnswer.render(error: .detail(405, "Method \"\(request.method)\" not allowed."),
                                             headers: route.headers)
            entry.statistics?.record(status: response.status, nanoseconds: 0)
            return response
        }
        guard let statistics = entry.statistics else {
            guard let owner else { return handler(request, deferred, route.headers) }
            let held = DeferredResponse { response in withExtendedLifetime(owner) { deferred.complete(response) } }
            guard let response = handler(request, held, route.headers) else { return nil }
            held.markAnsweredDirectly()
            return response
        }
        let start = MonotonicClock.now()
        // One wrapper does both jobs: it times a late answer and holds the owner until then.
        let timed = DeferredResponse { response in
            withExtendedLifetime(owner) {
                statistics.record(status: response.status, nanoseconds: MonotonicClock.now() &- start)
                deferred.complete(response)
            }
        }
        guard let response = handler(request, timed, route.headers) else { return nil }
        timed.markAnsweredDirectly()
        statistics.record(status: response.status, nanoseconds: MonotonicClock.now() &- start)
        return response
    }
}
