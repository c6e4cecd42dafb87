/// The `forward_auth:` section: what `GET <prefix>/auth/` (nginx `auth_request`, Traefik `forwardAuth`,
/// Caddy `forward_auth`) tells the proxy about an authenticated request, and which claims a path requires.
public struct ForwardAuthSettings: Sendable {
    /// One response header filled from a claim, in the order written.
    public struct HeaderMapping: Sendable, Hashable {
        public let header: String
        public let claim: String
    }

    /// Requests for `pathPrefix` (on `host`, when set) need every claim of `require` to hold its value.
    public struct Rule: Sendable, Hashable {
        public let pathPrefix: String
        /// Lower case; with a port only when the rule names one.
        public let host: String?
        /// Claim → required value; a list claim satisfies when it contains the value.
        public let require: [Requirement]
    }

    public struct Requirement: Sendable, Hashable {
        public let claim: String
        public let value: String
    }

    public var headers: [HeaderMapping] = []
    public var rules: [Rule] = []
    /// JWTAuthentication's user look-up (exists, active, password unchanged with CHECK_REVOKE_TOKEN);
    /// false: JWTStatelessUserAuthentication, the token alone.
    public var checkUser = true

    public init() {}

    /// Headers authd sets itself, which a mapping must not replace.
    public static let userIDHeader = "X-Auth-User-Id"
}

extension ForwardAuthSettings {
    static let knownKeys = ["headers", "rules", "check_user"]

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> ForwardAuthSettings {
        var settings = ForwardAuthSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "forward_auth", known: knownKeys)
        else { return settings }
        if let field = fields["check_user"], let flag = decoder.bool(field) { settings.checkUser = flag }
        if let field = fields["headers"], !field.value.isNull { settings.headers = decodeHeaders(field, decoder: decoder) }
        if let field = fields["rules"], !field.value.isNull { settings.rules = decodeRules(field, decoder: decoder) }
        return settings
    }

    private static func decodeHeaders(_ field: Field, decoder: SettingsDecoder) -> [HeaderMapping] {
        guard let entries = field.value.mapping else {
            decoder.wrongType(field, expected: "a mapping of response header to claim, such as {X-Auth-Email: email}")
            return []
        }
        var result: [HeaderMapping] = []
        var seen: Set<String> = []
        for (key, value) in entries {
            guard let header = key.scalar else { continue }
            let entry = Field(key: key, value: value, path: "\(field.path).\(header)")
            guard let claim = decoder.string(entry, expected: "a claim name") else { continue }
            let lower = header.lowercased()
            if !HTTPToken.isValid(header) {
                decoder.error(.invalidValue, entry, "\"\(header)\" is not a valid header name")
            } else if lower == userIDHeader.lowercased() {
                decoder.error(.invalidValue, entry, "\(userIDHeader) always carries the user id; map the claim to another header")
            } else if reservedHeaders.contains(lower) {
                decoder.error(.invalidValue, entry, "\"\(header)\" is a header authd or HTTP itself manages; use a name starting with X-Auth-")
            } else if !seen.insert(lower).inserted {
                decoder.error(.invalidValue, entry, "\"\(header)\" is mapped twice")
            } else {
                result.append(HeaderMapping(header: header, claim: claim))
            }
        }
        return result
    }

    private static let reservedHeaders: Set<String> = [
        "content-length", "content-type", "transfer-encoding", "connection", "date", "cache-control", "set-cookie",
        "www-authenticate", "keep-alive", "upgrade", "trailer", "te", "host", "location", "vary",
    ]

    private static func decodeRules(_ field: Field, decoder: SettingsDecoder) -> [Rule] {
        guard let items = field.value.sequence else {
            decoder.wrongType(field, expected: "a list of rules such as \"- {path_prefix: /admin/, require: {groups: admin}}\"")
            return []
        }
        var rules: [Rule] = []
        for (index, item) in items.enumerated() {
            let path = "\(field.path)[\(index)]"
            guard item.mapping != nil else {
                decoder.error(.wrongType, at: item.mark, path, "expected a rule mapping such as {path_prefix: /admin/, require: {groups: admin}}, got \(item.kindDescription)")
                continue
            }
            guard let ruleFields = decoder.fields(of: item, errorMark: item.mark, path: path,
                                                  known: ["path_prefix", "host", "require"]) else { continue }
            var ok = true
            var prefix = "/"
            if let f = ruleFields["path_prefix"] {
                if let text = decoder.string(f, expected: "a URL path such as \"/admin/\""), text.hasPrefix("/"),
                   text.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "?" && $0 != "#" }) {
                    prefix = text
                } else {
                    if f.value.scalar.map({ !$0.isEmpty }) ?? false {
                        decoder.error(.invalidValue, f, "expected a URL path starting with \"/\", such as \"/admin/\"")
                    }
                    ok = false
                }
            }
            var host: String?
            if let f = ruleFields["host"], let text = decoder.string(f, expected: "a host name such as \"admin.example.com\"") {
                if text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]".contains($0)) }) {
                    host = text.lowercased()
                } else {
                    decoder.error(.invalidValue, f, "\"\(text)\" is not a host name such as \"admin.example.com\"")
                    ok = false
                }
            }
            var requirements: [Requirement] = []
            if let f = ruleFields["require"], let entries = f.value.mapping, !entries.isEmpty {
                for (key, value) in entries {
                    guard let claim = key.scalar else { continue }
                    let entry = Field(key: key, value: value, path: "\(f.path).\(claim)")
                    if let text = decoder.string(entry, expected: "the claim's required value, such as \"admin\"") {
                        requirements.append(Requirement(claim: claim, value: text))
                    } else {
                        ok = false
                    }
                }
            } else if let f = ruleFields["require"] {
                decoder.wrongType(f, expected: "a non-empty mapping of claim to value, such as {groups: admin}")
                ok = false
            } else {
                decoder.error(.missingValue, at: item.mark, path, "a rule needs require: {claim: value}")
                ok = false
            }
            if ruleFields["path_prefix"] == nil && ruleFields["host"] == nil {
                decoder.error(.missingValue, at: item.mark, path, "a rule needs path_prefix (and optionally host)")
                ok = false
            }
            if ok { rules.append(Rule(pathPrefix: prefix, host: host, require: requirements)) }
        }
        return rules
    }
}
