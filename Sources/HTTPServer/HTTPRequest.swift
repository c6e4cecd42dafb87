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
        // On bytes, not Characters: every request passes here, and "?", ":" and "/" are ASCII.
        let bytes = target.utf8
        var pathEnd = bytes.endIndex
        var query = ""
        if let mark = bytes.firstIndex(of: UInt8(ascii: "?")) {
            pathEnd = mark
            query = String(target[bytes.index(after: mark)...])
        }
        if bytes.first == UInt8(ascii: "/") {
            return (pathEnd == bytes.endIndex ? target : String(target[..<pathEnd]), query)
        }
        // absolute-form: drop "scheme://authority"; RFC 9112 §3.2.2 requires servers to accept it.
        let pathPart = target[..<pathEnd]
        guard let colon = pathPart.utf8.firstIndex(of: UInt8(ascii: ":")), pathPart[colon...].utf8.starts(with: "://".utf8)
        else { return (String(pathPart), query) }
        let afterAuthority = pathPart[pathPart.utf8.index(colon, offsetBy: 3)...]
        guard let slash = afterAuthority.utf8.firstIndex(of: UInt8(ascii: "/")) else { return ("/", query) }
        return (String(afterAuthority[slash...]), query)
    }
}
