/// SimpleJWT's AUDIENCE: a string or a list of strings, kept as written because the `aud` claim carries
/// it the same way (a string stays a string on the wire, a list stays a list).
public struct Audience: Sendable, Hashable {
    public let values: [String]
    /// True when written as a list, so tokens carry `"aud": [...]`.
    public let isList: Bool

    public init(values: [String], isList: Bool) {
        self.values = values
        self.isList = isList
    }
}
