/// The `cookies:` section: how `delivery: cookie` listeners hand tokens to browsers, and which other origins
/// may call them (CSRF and CORS).
public struct CookieSettings: Sendable, Hashable {
    public enum SameSite: String, Sendable, CaseIterable {
        case strict = "Strict", lax = "Lax", none = "None"
    }

    /// Origins (`https://app.example.com`) besides the request's own that may log in, refresh and log out.
    public var allowedOrigins: [String] = []
    /// Secure cookies (HTTPS only). false is for plain-http development only: it drops the name prefixes.
    public var secure = true
    public var sameSite: SameSite = .lax
    /// The cookies' Domain attribute; nil: host-only cookies (the safer default).
    public var domain: String?
    /// Names as configured; nil takes the default for `secure` (see `accessCookie` and friends).
    public var accessCookieName: String?
    public var refreshCookieName: String?
    public var csrfCookieName: String?
    /// The request header that echoes the CSRF cookie (Django's name).
    public var csrfHeader = "X-CSRFToken"

    public init() {}

    /// `__Host-authd_access`: Path=/, host-only, Secure — what a sibling subdomain cannot overwrite.
    public var accessCookie: String { accessCookieName ?? (secure ? "__Host-authd_access" : "authd_access") }
    /// `__Secure-authd_refresh`: scoped to the token endpoints' prefix, so `__Host-` (which needs Path=/) cannot be used.
    public var refreshCookie: String { refreshCookieName ?? (secure ? "__Secure-authd_refresh" : "authd_refresh") }
    /// Readable by JavaScript, which echoes it in `csrfHeader`.
    public var csrfCookie: String { csrfCookieName ?? "authd_csrf" }
}

extension CookieSettings {
    static let knownKeys = ["allowed_origins", "secure", "same_site", "domain", "access_cookie", "refresh_cookie",
                            "csrf_cookie", "csrf_header"]

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> CookieSettings {
        var settings = CookieSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "cookies", known: knownKeys)
        else { return settings }
        if let field = fields["allowed_origins"], !field.value.isNull,
           let origins = decoder.stringList(field, expected: "a list of origins such as \"https://app.example.com\"") {
            var ok = true
            for origin in origins where Origin(origin) == nil {
                decoder.error(.invalidValue, field,
                              "\"\(origin)\" is not an origin; write scheme://host[:port] without a path, such as \"https://app.example.com\"")
                ok = false
            }
            if ok { settings.allowedOrigins = origins.compactMap { Origin($0)?.serialized } }
        }
        if let field = fields["secure"], let flag = decoder.bool(field) {
            settings.secure = flag
            if !flag {
                decoder.warn(field, "secure: false sends tokens over plain http and drops the __Host-/__Secure- cookie prefixes; use it for local development only")
            }
        }
        if let field = fields["same_site"], let name = decoder.choice(field, SameSite.allCases.map(\.rawValue)),
           let choice = SameSite(rawValue: name) {
            settings.sameSite = choice
            if choice == .none, !settings.secure {
                decoder.error(.invalidValue, field, "same_site: None needs secure: true (browsers refuse SameSite=None cookies without Secure)")
            }
        }
        if let field = fields["domain"], !field.value.isNull,
           let domain = decoder.string(field, expected: "a domain such as \"example.com\"") {
            let bare = domain.hasPrefix(".") ? String(domain.dropFirst()) : domain
            if bare.isEmpty || !bare.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) {
                decoder.error(.invalidValue, field, "\"\(domain)\" is not a domain name such as \"example.com\"")
            } else {
                settings.domain = bare.lowercased()
            }
        }
        for (key, keyPath) in [("access_cookie", \CookieSettings.accessCookieName),
                               ("refresh_cookie", \CookieSettings.refreshCookieName),
                               ("csrf_cookie", \CookieSettings.csrfCookieName)] {
            guard let field = fields[key], let name = decoder.string(field, expected: "a cookie name") else { continue }
            if !HTTPToken.isValid(name) {
                decoder.error(.invalidValue, field, "\"\(name)\" is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~ only)")
            } else {
                settings[keyPath: keyPath] = name
            }
        }
        if let field = fields["csrf_header"], let name = decoder.string(field, expected: "a header name such as \"X-CSRFToken\"") {
            if HTTPToken.isValid(name) {
                settings.csrfHeader = name
            } else {
                decoder.error(.invalidValue, field, "\"\(name)\" is not a valid header name")
            }
        }
        checkPrefixes(settings, fields: fields, section: section, decoder: decoder)
        let names = [settings.accessCookie, settings.refreshCookie, settings.csrfCookie]
        if Set(names).count != names.count {
            decoder.error(.invalidValue, at: section.mark, "cookies", "the access, refresh and CSRF cookies need three different names")
        }
        return settings
    }

    /// Browsers silently drop cookies whose `__Host-`/`__Secure-` prefix promises what the attributes do not
    /// deliver; say so at start-up instead.
    private static func checkPrefixes(_ settings: CookieSettings, fields: [String: Field], section: Field,
                                      decoder: SettingsDecoder) {
        let cookies: [(String, String, Bool)] = [
            ("access_cookie", settings.accessCookie, true), ("refresh_cookie", settings.refreshCookie, false),
            ("csrf_cookie", settings.csrfCookie, true),
        ]
        for (key, name, rootPath) in cookies {
            let at = fields[key] ?? fields["domain"] ?? fields["secure"] ?? section
            if (name.hasPrefix("__Host-") || name.hasPrefix("__Secure-")) && !settings.secure {
                decoder.error(.invalidValue, at, "the cookie name \"\(name)\" needs secure: true; browsers refuse __Host-/__Secure- cookies without Secure")
            } else if name.hasPrefix("__Host-") && !rootPath {
                decoder.error(.invalidValue, at, "the refresh cookie is scoped to the token endpoints, and a __Host- cookie must have Path=/; use a __Secure- name")
            } else if name.hasPrefix("__Host-"), settings.domain != nil {
                let field = fields["domain"] ?? at
                decoder.error(.invalidValue, field,
                              "cookies.domain cannot be used with the __Host- cookie \"\(name)\" (a __Host- cookie has no Domain); set cookies.\(key) to a name such as \"__Secure-\(name.dropFirst("__Host-".count))\", or remove domain")
            }
        }
    }
}

/// A web origin as browsers send it in `Origin`: scheme, host and an explicit non-default port.
public struct Origin: Sendable, Hashable {
    public let scheme: String
    public let host: String
    public let port: Int?

    /// Parses `https://app.example.com[:port]`; nil for anything with a path, credentials, query or bad host.
    public init?(_ text: String) {
        let lower = text.lowercased()
        guard let sep = lower.firstRange(of: "://") else { return nil }
        let scheme = String(lower[..<sep.lowerBound])
        guard scheme == "http" || scheme == "https" else { return nil }
        var authority = Substring(lower[sep.upperBound...])
        guard !authority.isEmpty,
              !authority.contains(where: { "/?#@ \\".contains($0) }) else { return nil }
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65535).contains(value) else { return nil }
            port = value
            authority = authority[..<colon]
        }
        guard !authority.isEmpty,
              authority.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) }) else { return nil }
        self.scheme = scheme
        self.host = String(authority)
        self.port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? nil : port
    }

    /// The origin as a browser serializes it: lower case, default port left out.
    public var serialized: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }
}
