import HTTPServer

/// One path of a listener: a handler per method, and the headers every answer on it carries
/// (`Allow`, `Cache-Control`, …). Built once into a `RouterResponder`; immutable afterwards.
public struct Route: Sendable {
    /// Answers one request now, or returns nil and completes `deferred` later (from any thread).
    /// `headers` are the route's own headers, to start every response from.
    public typealias Handler = @Sendable (_ request: HTTPRequest, _ deferred: DeferredResponse,
                                          _ headers: HTTPHeaders) -> HTTPResponse?

    /// The full path without a trailing slash ("/api/token/refresh"); requests match with or without one.
    public let path: String
    public let headers: HTTPHeaders
    let handlers: [String: Handler]
    /// Answers methods without a handler of their own; nil: 405 with the route's headers.
    let otherMethods: Handler?

    public init(path: String, headers: HTTPHeaders, methods: [String: Handler], otherMethods: Handler? = nil) {
        self.path = Route.normalize(path)
        self.headers = headers
        self.handlers = methods
        self.otherMethods = otherMethods
    }

    /// Paths work with or without a trailing slash, as authd always has.
    static func normalize(_ path: String) -> String {
        guard path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") else { return path }
        return String(path.dropLast())
    }
}
