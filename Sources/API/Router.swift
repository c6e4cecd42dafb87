import HTTPServer
import JSON
import Metrics

/// Collects the routes of one listener, then builds its immutable `RouterResponder` (the builder → runtime
/// shape of Hummingbird's Router). Adding an endpoint means adding a route here, with its own headers.
public struct Router {
    private var routes: [String: Route] = [:]
    /// Headers of the answer to a path no route has.
    public var notFoundHeaders: HTTPHeaders

    public init(notFoundHeaders: HTTPHeaders = JSONAnswer.standardHeaders) {
        self.notFoundHeaders = notFoundHeaders
    }

    /// Adds a route; a later route for the same path replaces the earlier one.
    public mutating func add(_ route: Route) {
        routes[route.path] = route
    }

    public var paths: [String] { routes.keys.sorted() }

    /// - Parameter metrics: where each route counts its requests by status and times them (endpoint label: the
    ///   route's path; paths no route has count as "other"); nil: nothing is measured.
    public func build(metrics: MetricsRegistry? = nil) -> RouterResponder {
        RouterResponder(routes: routes, notFound: JSONAnswer.render(status: 404, body: ["detail": "Not found."],
                                                                    headers: notFoundHeaders),
                        metrics: metrics)
    }
}
