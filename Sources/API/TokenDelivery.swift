import HTTPServer
import Tokens

/// How a listener hands tokens to its clients and reads them back (`delivery:` in `listen:`): JSON bodies as
/// SimpleJWT does (`JSONDelivery`), or cookies for browser apps. The token endpoints call the domain and give
/// its results to the delivery, which presents them; the domain never sees HTTP.
public protocol TokenDelivery: Sendable {
    /// The token the request presents in `field` ("refresh" or "token"), validated as DRF's `CharField` would.
    func presentedToken(_ field: String, in fields: RequestFields, request: HTTPRequest) throws(APIError) -> String

    /// Refuses a request before the domain sees it (e.g. a CSRF check); nil lets it through.
    func admit(_ request: HTTPRequest, to endpoint: TokenEndpoint) -> APIError?

    func obtained(_ pair: TokenPair, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse
    func obtainedSliding(_ token: IssuedToken, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse
    func refreshed(_ tokens: RefreshedTokens, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse
    func refreshedSliding(_ token: IssuedToken, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse
    func verified(request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse
    func revoked(request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse
    func refused(_ error: APIError, at endpoint: TokenEndpoint, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse

    /// The headers every answer to this request starts from: the route's, plus e.g. CORS headers.
    func responseHeaders(_ headers: HTTPHeaders, for request: HTTPRequest) -> HTTPHeaders

    /// The answer to a CORS preflight; nil: OPTIONS answers DRF's metadata.
    func preflight(_ request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse?
}

extension TokenDelivery {
    public func admit(_ request: HTTPRequest, to endpoint: TokenEndpoint) -> APIError? { nil }
    public func responseHeaders(_ headers: HTTPHeaders, for request: HTTPRequest) -> HTTPHeaders { headers }
    public func preflight(_ request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse? { nil }
}
