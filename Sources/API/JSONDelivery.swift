import HTTPServer
import JSON
import Tokens

/// SimpleJWT's wire format, exactly: tokens in compact JSON bodies (`{"refresh":"…","access":"…"}`, key order
/// included), read back from the request body.
public struct JSONDelivery: TokenDelivery {
    public init() {}

    public func presentedToken(_ field: String, in fields: RequestFields, request: HTTPRequest) throws(APIError) -> String {
        try fields.strings([field])[0]
    }

    public func obtained(_ pair: TokenPair, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        JSONAnswer.render(status: 200, body: ["refresh": .string(pair.refresh.token), "access": .string(pair.access.token)],
                          headers: headers)
    }

    public func obtainedSliding(_ token: IssuedToken, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        JSONAnswer.render(status: 200, body: ["token": .string(token.token)], headers: headers)
    }

    public func refreshed(_ tokens: RefreshedTokens, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        var body: JSONObject = ["access": .string(tokens.access.token)]
        if let refresh = tokens.refresh { body["refresh"] = .string(refresh.token) }
        return JSONAnswer.render(status: 200, body: body, headers: headers)
    }

    public func refreshedSliding(_ token: IssuedToken, request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        JSONAnswer.render(status: 200, body: ["token": .string(token.token)], headers: headers)
    }

    public func verified(request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        HTTPResponse(status: 200, headers: headers, body: JSONAnswer.emptyObject)
    }

    public func revoked(request: HTTPRequest, headers: HTTPHeaders) -> HTTPResponse {
        HTTPResponse(status: 200, headers: headers, body: JSONAnswer.emptyObject)
    }

    public func refused(_ error: APIError, at endpoint: TokenEndpoint, request: HTTPRequest,
                        headers: HTTPHeaders) -> HTTPResponse {
        JSONAnswer.render(error: error, headers: headers)
    }
}
