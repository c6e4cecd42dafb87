/// One entry of `listen:`.
public struct ListenerSettings: Sendable, Hashable {
    public var address: ListenAddress
    public var delivery: Delivery
    /// URL prefix of the token endpoints, e.g. `/api/token`: starts with "/", no trailing slash.
    public var prefix: String
    /// Serves `GET /metrics`: `metrics: true`, by default on Unix sockets only (their mode and group already
    /// decide who may connect), never by default on TCP, so metrics are never public by accident.
    public var metrics = false
    /// Where the entry was written; nil for the built-in default listener.
    public var mark: SourceMark?

    public static let defaultPrefix = "/api/token"

    public init(address: ListenAddress, delivery: Delivery = .json, prefix: String = ListenerSettings.defaultPrefix,
                mark: SourceMark? = nil) {
        self.address = address
        self.delivery = delivery
        self.prefix = prefix
        self.mark = mark
    }

    /// Used when the file has no `listen:`: loopback only, as Django's runserver.
    public static let `default` = ListenerSettings(address: .tcp(host: "127.0.0.1", port: 8000))
}
