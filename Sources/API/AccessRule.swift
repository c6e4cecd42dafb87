import JSON

/// One `forward_auth.rules` entry: requests for `pathPrefix` (on `host`, when set) need claims that satisfy
/// `require`. Every rule that matches a request must be satisfied (rules only ever add requirements).
public struct AccessRule: Sendable {
    public let pathPrefix: String
    /// Lower case; compared with the request's host without its port unless this names one.
    public let host: String?
    public let require: [(claim: String, value: String)]

    public init(pathPrefix: String, host: String?, require: [(claim: String, value: String)]) {
        self.pathPrefix = pathPrefix
        self.host = host
        self.require = require
    }

    func applies(path: String, host requestHost: String?) -> Bool {
        if let host {
            guard var other = requestHost?.lowercased() else { return false }
            if !host.contains(":"), let colon = other.lastIndex(of: ":"), !other.hasSuffix("]") {
                other = String(other[..<colon])
            }
            guard other == host else { return false }
        }
        // "/admin" is the same place as "/admin/" to most applications.
        return path.hasPrefix(pathPrefix) || (pathPrefix.hasSuffix("/") && path == pathPrefix.dropLast())
    }

    /// A claim holds a required value when it is that string (or number, or boolean, written as text), or a list
    /// containing it.
    func isSatisfied(by claims: JSONObject) -> Bool {
        require.allSatisfy { requirement in
            guard let value = claims[requirement.claim] else { return false }
            if case .array(let items) = value { return items.contains { Self.matches($0, requirement.value) } }
            return Self.matches(value, requirement.value)
        }
    }

    private static func matches(_ value: JSONValue, _ wanted: String) -> Bool {
        switch value {
        case .string(let s): return s == wanted
        case .int, .double, .bool: return JSON.serializeString(value) == wanted
        default: return false
        }
    }

    /// The path rules compare: query and fragment cut, every percent-escape decoded, `.`/`..` segments resolved and
    /// repeated slashes merged, so `/%61dmin/`, `/x/../admin/` and `//admin/` all meet a rule for `/admin/`
    /// (decoding more than an application would only ever makes more requests meet a rule, never fewer).
    static func normalize(_ uri: String) -> String {
        var raw = Substring(uri)
        if let cut = raw.firstIndex(where: { $0 == "?" || $0 == "#" }) { raw = raw[..<cut] }
        // An absolute-form URI (Traefik may send one): keep its path.
        if let scheme = raw.firstRange(of: "://"), raw[..<scheme.lowerBound].allSatisfy({ $0.isLetter }) {
            let rest = raw[scheme.upperBound...]
            raw = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        let decoded = FormURLEncoded.percentDecode(ArraySlice(raw.utf8), plusIsSpace: false)
        var segments: [Substring] = []
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            if part == "." { continue }
            if part == ".." { if !segments.isEmpty { segments.removeLast() }; continue }
            segments.append(part)
        }
        var path = "/" + segments.joined(separator: "/")
        let last = decoded.split(separator: "/", omittingEmptySubsequences: false).last
        if !segments.isEmpty, decoded.hasSuffix("/") || last == "." || last == ".." { path += "/" }
        return path
    }
}
