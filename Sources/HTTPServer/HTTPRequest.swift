/// One complete request: head and fully received (de-chunked) body.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request-target exactly as received, for example "/api/token/?a=1".
    public var target: String
    /// The raw (not percent-decoded) path: the target up to "?". For an absolute-form target
    /// ("http://host/p") it is the path part; for "*" it is "*".
    public var path: String
    /// The raw query after "?", or "" when there is none.
    public var query: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The `tag` of the listener the request arrived on.
    public var listenerTag: Int
    /// The client's IP address ("127.0.0.1", "::1"; IPv4-mapped IPv6 is shown as IPv4), or "unix".
    public var peer: String

    public init(method: String, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], listenerTag: Int = 0, peer: String = "unix") {
        self.method = method
        self.target = target
        let (path, query) = HTTPRequest.split(target: target)
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.listenerTag = listenerTag
        self.peer = peer
    }

    static func split(target: String) -> (path: String, query: String) {
        var pathPart = Substring(target)
        var query = Substring("")
        if let mark = pathPart.firstIndex(of: "?") {
            query = pathPart[pathPart.index(after: mark)...]
            pathPart = pathPart[..<mark]
        }
        // absolute-form: drop "scheme://authority"; RFC 9112 §3.2.2 requires servers to accept it.
        if pathPart.first != "/", let colon = pathPart.firstIndex(of: ":"),
           pathPart[colon...].hasPrefix("://") {
            let afterAuthority = pathPart[pathPart.index(colon, offsetBy: 3)...]
            if let slash = afterAuthority.firstIndex(of: "/") {
                pathPart = afterAuthority[slash...]
            } else {
                pathPart = "/"
            }
        }
        return (String(pathPart), String(query))
    }
}
