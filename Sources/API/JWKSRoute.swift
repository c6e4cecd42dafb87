import HTTPServer
import JSON

/// `GET /.well-known/jwks.json`: the public verifying keys (RFC 7517 JWK Set, each with `kid`, `alg` and
/// `use: sig`) so resource servers verify authd's tokens themselves and follow key rotations. Rendered once per
/// runtime: a reload that changes keys builds a new answer. HMAC secrets are never in it.
public enum JWKSRoute {
    public static let path = "/.well-known/jwks.json"

    public static func make(keys: [JSONObject], maxAgeSeconds: Int) -> Route {
        var headers: HTTPHeaders = [
            "Content-Type": "application/json", "X-Content-Type-Options": "nosniff", "Allow": "GET, HEAD",
        ]
        // Public data that may be cached, but not for so long that a rotation's new key stays unseen.
        headers.add("Cache-Control", "public, max-age=\(maxAgeSeconds)")
        let answer = JSONAnswer.render(status: 200, body: ["keys": .array(keys.map { .object($0) })], headers: headers)
        let get: Route.Handler = { _, _, _ in answer }
        return Route(path: path, headers: headers, methods: ["GET": get, "HEAD": get])
    }
}
