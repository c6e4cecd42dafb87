import HTTPServer
import JSON

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

    public func build() -> RouterResponder {
        RouterResponder(routes: routes, notFound: JSONAnswer.render(status: 404, body: ["detail": "Not found."],
                                                                    headers: notFoundHeaders))
    }
}
