import HTTPServer
import JSON

/// One listener's routes, immutable: finds the route for a request's path and the handler for its method.
public final class RouterResponder: Sendable {
    private let routes: [String: Route]
    private let notFound: HTTPResponse

    init(routes: [String: Route], notFound: HTTPResponse) {
        self.routes = routes
        self.notFound = notFound
    }

    public func respond(to request: HTTPRequest, deferred: DeferredResponse) -> HTTPResponse? {
        guard let route = routes[Route.normalize(request.path)] else { return notFound }
        if let handler = route.handlers[request.method] {
            return handler(request, deferred, route.headers)
        }
        if let other = route.otherMethods { return other(request, deferred, route.headers) }
        return JSONAnswer.render(error: .detail(405, "Method \"\(request.method)\" not allowed."), headers: route.headers)
    }
}
