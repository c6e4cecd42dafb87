/// How a listener hands tokens to clients. This version ships JSON delivery only; cookie delivery is
/// named by the specification and refused by the settings loader until it exists.
public struct Delivery: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    private init(_ name: String) { self.name = name }

    /// SimpleJWT's wire format: tokens in JSON bodies.
    public static let json = Delivery("json")

    public var description: String { name }
}
