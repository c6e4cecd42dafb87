import HTTPServer
import JSON

/// `/healthz` on every listener: 200 `{"status":"ok"}` while the daemon serves.
public enum HealthRoute {
    public static func make() -> Route {
        let answer = JSONAnswer.render(status: 200, body: ["status": "ok"], headers: JSONAnswer.standardHeaders)
        return Route(path: "/healthz", headers: JSONAnswer.standardHeaders, methods: [:],
                     otherMethods: { _, _, _ in answer })
    }
}
