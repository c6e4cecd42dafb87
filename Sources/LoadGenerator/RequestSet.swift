import Synchronization

/// The requests of a plan, serialised once up front, handed out in turn to every connection of every thread.
final class RequestSet: Sendable {
    private let requests: [[UInt8]]
    private let cursor = Atomic<Int>(0)

    init(_ plan: LoadPlan) {
        var head = "\(plan.method) \(plan.path) HTTP/1.1\r\nHost: \(plan.target.hostHeader)\r\n"
        for (name, value) in plan.headers { head += "\(name): \(value)\r\n" }
        if plan.bodies.isEmpty {
            requests = [Array((head + "\r\n").utf8)]
        } else {
            requests = plan.bodies.map { body in
                Array((head + "Content-Length: \(body.count)\r\n\r\n").utf8) + body
            }
        }
    }

    /// The next request; after the last one, the first again.
    func next() -> [UInt8] {
        let n = cursor.add(1, ordering: .relaxed).oldValue
        return requests[n % requests.count]
    }

    /// How many requests were handed out; beyond `count`, bodies were reused.
    var handedOut: Int { cursor.load(ordering: .relaxed) }
    var count: Int { requests.count }
}
