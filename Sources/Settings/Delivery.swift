/// How a listener hands tokens to clients (`delivery:` of a `listen:` entry).
public enum Delivery: String, Sendable, CaseIterable, CustomStringConvertible {
    /// SimpleJWT's wire format: tokens in JSON bodies.
    case json

    public var description: String { rawValue }
}
