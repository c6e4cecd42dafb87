/// What to send, where, how hard and for how long. Every load is bounded: by `duration` and `connections`.
public struct LoadPlan: Sendable {
    public var target: LoadTarget
    public var method = "GET"
    public var path = "/"
    /// Extra request headers, e.g. `("Content-Type", "application/json")`.
    public var headers: [(String, String)] = []
    /// Request bodies, used in turn across all connections (each body once before any repeats); empty: no body.
    public var bodies: [[UInt8]] = []
    public var connections = 32
    /// Client threads; each drives its share of the connections.
    public var threads = 1
    /// Seconds of load.
    public var duration = 10.0
    /// A request unanswered this long counts as a timeout error and its connection is replaced.
    public var requestTimeout = 5.0
    /// Idle mode: each connection sends one request, then holds its keep-alive connection open and quiet until
    /// the end (for measuring the server's memory per idle connection).
    public var holdIdle = false
    /// Status codes that count as success; others are counted as errors (and still listed by code).
    public var acceptedStatuses: Set<Int> = Set(200..<300)

    public init(target: LoadTarget) { self.target = target }

    public static let maxConnections = 100_000
    public static let maxDuration = 3600.0

    func validated() throws(LoadError) -> LoadPlan {
        guard connections >= 1, connections <= Self.maxConnections else {
            throw LoadError(.invalidPlan, "connections must be 1 to \(Self.maxConnections), got \(connections)")
        }
        guard duration > 0, duration <= Self.maxDuration else {
            throw LoadError(.invalidPlan, "the duration must be more than 0 and at most \(Int(Self.maxDuration)) s")
        }
        guard requestTimeout > 0, requestTimeout.isFinite else {
            throw LoadError(.invalidPlan, "the request timeout must be a positive number of seconds")
        }
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw LoadError(.invalidPlan, "the method must be a token such as GET or POST")
        }
        guard path.hasPrefix("/"), path.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw LoadError(.invalidPlan, "the path must start with / and contain no spaces or control characters")
        }
        for (name, value) in headers {
            guard !name.isEmpty, !name.utf8.contains(where: { $0 <= 32 || $0 == UInt8(ascii: ":") || $0 >= 127 }),
                  !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                throw LoadError(.invalidPlan, "the header \"\(name)\" is not a valid header name and value")
            }
        }
        var plan = self
        plan.threads = min(max(1, threads), connections)
        return plan
    }
}
