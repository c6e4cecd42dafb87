/// The six SimpleJWT endpoints, by their path under a listener's prefix.
public enum TokenEndpoint: String, CaseIterable, Sendable {
    case obtainPair = "", refresh = "/refresh", verify = "/verify", blacklist = "/blacklist"
    case slidingObtain = "/sliding", slidingRefresh = "/sliding/refresh"

    /// The request field that carries the token (nil: obtain takes credentials).
    public var tokenField: String? {
        switch self {
        case .obtainPair, .slidingObtain: return nil
        case .refresh, .blacklist: return "refresh"
        case .verify, .slidingRefresh: return "token"
        }
    }
}
