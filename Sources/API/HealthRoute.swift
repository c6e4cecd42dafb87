import HTTPServer
import JSON

/// `/healthz` on every listener: 200 `{"status":"ok"}` while the daemon serves. With a store probe the answer
/// also says whether the store answers (`"store":"ok"`), and is 503 when it does not, so a load balancer or
/// systemd watchdog script takes the instance out before its logins fail.
public enum HealthRoute {
    /// Asks the store something cheap and reports whether it answered.
    public typealias StoreProbe = @Sendable (_ completion: @escaping @Sendable (Bool) -> Void) -> Void

    public static func make(storeProbe: StoreProbe? = nil) -> Route {
        guard let storeProbe else {
            let answer = JSONAnswer.render(status: 200, body: ["status": "ok"], headers: JSONAnswer.standardHeaders)
            return Route(path: "/healthz", headers: JSONAnswer.standardHeaders, methods: [:],
                         otherMethods: { _, _, _ in answer })
        }
        let healthy = JSONAnswer.render(status: 200, body: ["status": "ok", "store": "ok"],
                                        headers: JSONAnswer.standardHeaders)
        let unhealthy = JSONAnswer.render(status: 503, body: ["status": "unavailable", "store": "unavailable"],
                                          headers: JSONAnswer.standardHeaders, extraHeaders: [("Retry-After", "1")])
        return Route(path: "/healthz", headers: JSONAnswer.standardHeaders, methods: [:],
                     otherMethods: { _, deferred, _ in
                         InlineAnswer.collect(deferred) { answer in
                             storeProbe { answers in answer(answers ? healthy : unhealthy) }
                         }
                     })
    }
}
