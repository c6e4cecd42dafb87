/// What `authd check-config` learns about a store without creating or changing anything.
public enum StoreInspection: Sendable, CustomStringConvertible {
    /// Nothing there yet: `authd serve` (or the first CLI command) creates it.
    case missing(location: String)
    case existing(location: String, schemaVersion: Int)

    public var description: String {
        switch self {
        case .missing(let location): return "\(location) (not created yet)"
        case .existing(let location, let version): return "\(location) (schema version \(version))"
        }
    }
}
