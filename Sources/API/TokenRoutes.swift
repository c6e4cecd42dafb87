import HTTPServer
import JSON
import Tokens

/// SimpleJWT's six endpoints as routes under a listener's prefix: each parses the request as DRF would, asks
/// the token domain, and lets the listener's delivery present the answer.
public struct TokenRoutes: Sendable {
    let service: TokenService
    let delivery: any TokenDelivery
    /// The challenge of 401 answers: `Bearer realm="api"` (the first of AUTH_HEADER_TYPES).
    let wwwAuthenticate: String

    public init(service: TokenService, delivery: any TokenDelivery) {
        self.service = service
        self.delivery = delivery
        self.wwwAuthenticate = service.policy.wwwAuthenticate
    }

    /// DRF's response headers (`Allow`, `Vary`) plus no-store: token responses must never be cached.
    public static let headers: HTTPHeaders = [
        "Content-Type": "application/json", "Allow": "POST, OPTIONS", "Vary": "Accept", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    ]

    /// Adds the six endpoints under `prefix` (e.g. "/api/token").
    public func register(in router: inout Router, prefix: String) {
        for endpoint in TokenEndpoint.allCases {
            let routes = self
            router.add(Route(path: prefix + endpoint.rawValue, headers: Self.headers, methods: [
                "POST": { request, deferred, headers in
                    routes.post(endpoint, request, deferred, routes.delivery.responseHeaders(headers, for: request))
                },
                "OPTIONS": { request, _, headers in
                    if let answer = routes.delivery.preflight(request, headers: headers) { return answer }
                    return JSONAnswer.render(status: 200, body: EndpointMetadata.describe(endpoint),
                                             headers: routes.delivery.responseHeaders(headers, for: request))
                },
            ]))
        }
    }

    private func post(_ endpoint: TokenEndpoint, _ request: HTTPRequest, _ deferred: DeferredResponse,
                      _ headers: HTTPHeaders) -> HTTPResponse? {
        let fields: RequestFields
        do {
            fields = try RequestFields.parse(body: request.body, contentType: request.headers["Content-Type"])
        } catch {
            return delivery.refused(error, at: endpoint, request: request, headers: headers)
        }
        if let refusal = delivery.admit(request, to: endpoint) {
            return delivery.refused(refusal, at: endpoint, request: request, headers: headers)
        }
        let context = RequestContext(peer: request.peer, listener: request.listenerTag)
        let delivery = self.delivery, service = self.service, challenge = wwwAuthenticate
        let refuse: @Sendable (TokenError) -> HTTPResponse = { error in
            delivery.refused(APIError(error, wwwAuthenticate: challenge), at: endpoint, request: request, headers: headers)
        }
        let input: String
        do {
            if let field = endpoint.tokenField {
                input = try delivery.presentedToken(field, in: fields, request: request)
            } else {
                input = ""
            }
        } catch {
            return delivery.refused(error, at: endpoint, request: request, headers: headers)
        }
        return InlineAnswer.collect(deferred) { answer in
            switch endpoint {
            case .obtainPair, .slidingObtain:
                let credentials: Credentials
                do throws(APIError) {
                    let values = try fields.strings(["username", "password"], untrimmed: ["password"])
                    credentials = Credentials(username: values[0], password: Array(values[1].utf8))
                } catch {
                    return answer(delivery.refused(error, at: endpoint, request: request, headers: headers))
                }
                if endpoint == .obtainPair {
                    service.obtainPair(credentials, context: context) { result in
                        answer(result.map { delivery.obtained($0, request: request, headers: headers) }.recover(refuse))
                    }
                } else {
                    service.obtainSliding(credentials, context: context) { result in
                        answer(result.map { delivery.obtainedSliding($0, request: request, headers: headers) }.recover(refuse))
                    }
                }
            case .refresh:
                service.refresh(input, context: context) { result in
                    answer(result.map { delivery.refreshed($0, request: request, headers: headers) }.recover(refuse))
                }
            case .verify:
                service.verify(input, context: context) { result in
                    answer(result.map { delivery.verified(request: request, headers: headers) }.recover(refuse))
                }
            case .blacklist:
                service.revoke(input, context: context) { result in
                    answer(result.map { delivery.revoked(request: request, headers: headers) }.recover(refuse))
                }
            case .slidingRefresh:
                service.refreshSliding(input, context: context) { result in
                    answer(result.map { delivery.refreshedSliding($0, request: request, headers: headers) }.recover(refuse))
                }
            }
        }
    }
}

extension Result where Success == HTTPResponse {
    /// The success, or the failure rendered as a response.
    func recover(_ render: (Failure) -> HTTPResponse) -> HTTPResponse {
        switch self {
        case .success(let response): return response
        case .failure(let error): return render(error)
        }
    }
}
