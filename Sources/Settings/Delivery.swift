/// How a listener hands tokens to clients (`delivery:` of a `listen:` entry).
public enum Delivery: String, Sendable, CaseIterable, CustomStringConvertible {
    /// SimpleJWT's wire format: tokens in JSON bodies.
    case json
    /// Browser apps: HttpOnly cookies, CSRF and CORS (the `cookies:` section).
    case cookie

    public var description: String { rawValue }
}
