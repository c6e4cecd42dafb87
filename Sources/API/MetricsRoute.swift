import HTTPServer
import Metrics

/// `GET /metrics`: the Prometheus text exposition of every counter, gauge and histogram, on listeners with
/// `metrics: true` only (the assembly decides which).
public enum MetricsRoute {
    public static func make(_ registry: MetricsRegistry) -> Route {
        let headers: HTTPHeaders = [
            "Content-Type": MetricsRegistry.contentType, "Cache-Control": "no-store", "Allow": "GET, HEAD",
            "X-Content-Type-Options": "nosniff",
        ]
        let get: Route.Handler = { _, _, headers in
            HTTPResponse(status: 200, headers: headers, body: Array(registry.exposition().utf8))
        }
        return Route(path: "/metrics", headers: headers, methods: ["GET": get, "HEAD": get])
    }
}
