/// What a provider's run-time failure does to the token (`on_error:` in every `claims:` entry).
public struct ErrorPolicy: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable { case fail, skip }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// Fail closed (the default): no token; the client gets 503 and may retry.
    public static let fail = ErrorPolicy(.fail)
    /// Fail open: the token is issued without this provider's claims.
    public static let skip = ErrorPolicy(.skip)

    public static let names = ["fail", "skip"]

    public init?(name: String) {
        guard let value = Value(rawValue: name) else { return nil }
        self.value = value
    }

    public var description: String { value.rawValue }
}
