/// A response to send. The server adds Content-Length (and Date and Connection); any Content-Length,
/// Transfer-Encoding or Connection set here is replaced, except that `Connection: close` closes the connection
/// after this response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A server-generated error: `{"detail":"…"}` as application/json, the shape every authd error has.
    static func error(_ status: Int, _ detail: String) -> HTTPResponse {
        var escaped = ""
        for scalar in detail.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"],
                            body: Array("{\"detail\":\"\(escaped)\"}".utf8))
    }
}
