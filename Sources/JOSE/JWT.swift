import JSON

/// A decoded token: its JOSE header and its claims, in the order the issuer wrote them.
public struct JWT: Sendable, Equatable {
    public let header: JSONObject
    public let claims: JSONObject

    public init(header: JSONObject, claims: JSONObject) {
        self.header = header
        self.claims = claims
    }
}
