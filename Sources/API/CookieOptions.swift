/// How a cookie listener names and scopes its cookies (the `cookies:` settings, resolved by the assembly).
public struct CookieOptions: Sendable {
    public enum SameSite: String, Sendable { case strict = "Strict", lax = "Lax", none = "None" }

    public var accessName = "__Host-authd_access"
    public var refreshName = "__Secure-authd_refresh"
    public var csrfName = "authd_csrf"
    public var csrfHeader = "X-CSRFToken"
    public var secure = true
    public var sameSite: SameSite = .lax
    public var domain: String?
    /// Serialized origins (`https://app.example.com`) besides the request's own.
    public var allowedOrigins: Set<String> = []
    /// The refresh cookie's Path: the listener's prefix, so only the token endpoints receive it.
    public var refreshPath = "/api/token"

    public init() {}

    enum Kind { case access, refresh, csrf }

    /// A `Set-Cookie` value; `maxAge` 0 clears the cookie (same name, path and domain, so the browser matches it).
    func setCookie(_ kind: Kind, value: String, maxAge: Int64) -> String {
        let (name, path) = nameAndPath(kind)
        var text = "\(name)=\(value); Path=\(path); Max-Age=\(max(0, maxAge))"
        if let domain { text += "; Domain=\(domain)" }
        if kind != .csrf { text += "; HttpOnly" }
        if secure { text += "; Secure" }
        text += "; SameSite=\(sameSite.rawValue)"
        return text
    }

    func name(_ kind: Kind) -> String { nameAndPath(kind).0 }

    private func nameAndPath(_ kind: Kind) -> (String, String) {
        switch kind {
        case .access: return (accessName, "/")
        case .refresh: return (refreshName, refreshPath)
        case .csrf: return (csrfName, "/")
        }
    }
}
