/// `store.postgres`: several authd instances sharing one PostgreSQL database (README "Several instances").
///
/// The connection is libpq's: a `url` (`postgresql://authd@db.example/authd?sslmode=verify-full`, or a
/// `key=value` string), and/or libpq's own keywords, which override what the URL says. The password comes from
/// `password_file` (same permission checks as key files); a password written in the URL works but is warned about.
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible {
    /// A libpq connection keyword and its value, in the order written (`url` is passed as `dbname`, first).
    public struct Parameter: Sendable, Hashable {
        public let keyword: String
        public let value: String
    }

    public var parameters: [Parameter] = []
    /// The contents of `password_file` (one trailing newline removed); nil without one, or when the settings were
    /// loaded without reading secret files.
    public var password: String?
    public var passwordFile: String?
    public var schema = "authd"
    /// Connections per instance: half answer look-ups, half run write transactions (at least one each).
    public var connections = 4
    public var timeout: TimeSpan = .seconds(5)
    /// Where `store.postgres` is, for errors found later (the server refusing the connection).
    public var mark: SourceMark?

    public init() {}

    /// The libpq keywords accepted besides `url` (secrets excluded: the password has `password_file`).
    static let libpqKeywords = [
        "host", "hostaddr", "port", "dbname", "user", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl",
        "sslcompression", "application_name", "target_session_attrs", "connect_timeout", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "options", "channel_binding", "gssencmode",
        "krbsrvname", "service", "requiressl",
    ]
    /// libpq keywords that name files, resolved against the settings file's folder like every path.
    static let pathKeywords: Set<String> = ["sslrootcert", "sslcert", "sslkey", "sslcrl"]
    static let ownKeys = ["url", "password_file", "schema", "connections", "timeout"]

    /// Never prints the password: settings may be logged.
    public var description: String {
        let shown = parameters.map { "\($0.keyword)=\(Self.withoutPassword($0.value))" }.joined(separator: " ")
        return "postgres(\(shown), schema \(schema)\(password == nil ? "" : ", password from \(passwordFile ?? "file")"))"
    }

    static func decode(_ section: Field, decoder: SettingsDecoder) -> PostgresSettings {
        var settings = PostgresSettings()
        settings.mark = section.mark
        guard let fields = decoder.fields(of: section.value, errorMark: section.mark, path: section.path,
                                          known: ownKeys + libpqKeywords) else { return settings }
        if let field = fields["url"], let url = decoder.string(field, expected: "a PostgreSQL URL such as \"postgresql://authd@db.example/authd\"") {
            if checkURL(url, field, decoder) {
                settings.parameters.append(Parameter(keyword: "dbname", value: url))
            }
        }
        // The keywords in the order they appear in the file, after the URL, so they override it.
        for (key, _) in section.value.mapping ?? [] {
            guard let name = key.scalar, libpqKeywords.contains(name), let field = fields[name] else { continue }
            if let value = keywordValue(name, field, decoder) {
                settings.parameters.append(Parameter(keyword: name, value: value))
            }
        }
        if let field = fields["password_file"], let path = decoder.path(field) {
            settings.passwordFile = path
            if decoder.options.checkKeyFiles { settings.password = readPassword(path, field, decoder) }
        }
        if let field = fields["schema"], let schema = decoder.string(field, expected: "a schema name") {
            if isValidSchemaName(schema) {
                settings.schema = schema
            } else {
                decoder.error(.invalidValue, field, "\"\(schema)\" is not a schema name authd accepts: lower-case "
                    + "letters, digits and _, starting with a letter or _, at most 63 characters")
            }
        }
        if let field = fields["connections"], let value = decoder.integer(field, in: 2...64) {
            settings.connections = value
        }
        if let field = fields["timeout"], let span = decoder.duration(field, allowZero: false) {
            if span.milliseconds < 100 {
                decoder.error(.invalidValue, field, "\"\(span)\" is too short for a database round trip; use at least 100ms")
            } else {
                settings.timeout = span
            }
        }
        return settings
    }

    private static func keywordValue(_ name: String, _ field: Field, _ decoder: SettingsDecoder) -> String? {
        if pathKeywords.contains(name) { return decoder.path(field) }
        if name == "port" { return decoder.integer(field, in: 1...65535, expected: "a port number").map(String.init) }
        guard let value = decoder.string(field) else { return nil }
        guard !value.utf8.contains(0) else {
            decoder.error(.invalidValue, field, "the value contains a NUL character")
            return nil
        }
        return value
    }

    /// The URL's shape (libpq parses it fully when connecting, and `authd check-config` reports what it says).
    private static func checkURL(_ url: String, _ field: Field, _ decoder: SettingsDecoder) -> Bool {
        guard !url.utf8.contains(0) else {
            decoder.error(.invalidValue, field, "the URL contains a NUL character")
            return false
        }
        let isURL = url.hasPrefix("postgresql://") || url.hasPrefix("postgres://")
        guard isURL || url.contains("=") else {
            decoder.error(.invalidValue, field, "expected a URL starting with postgresql:// (or libpq's key=value form), "
                + "got \"\(withoutPassword(url))\"")
            return false
        }
        if containsPassword(url) {
            decoder.warn(field, "the URL holds a password, which anyone who can read this file can read; put it in a "
                + "file with mode 600 and set store.postgres.password_file")
        }
        return true
    }

    private static func readPassword(_ path: String, _ field: Field, _ decoder: SettingsDecoder) -> String? {
        switch FileReader.read(path, maxBytes: 4096, secret: true) {
        case .failure(let failure):
            decoder.error(.keyFile, field, failure.message)
            return nil
        case .success(var bytes):
            if bytes.last == UInt8(ascii: "\n") {
                bytes.removeLast()
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            }
            guard !bytes.isEmpty else {
                decoder.error(.keyFile, field, "\(path) is empty; write the database password into it (mode 600)")
                return nil
            }
            guard !bytes.contains(0), !bytes.contains(UInt8(ascii: "\n")) else {
                decoder.error(.keyFile, field, "\(path) must hold the password alone, on one line")
                return nil
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// A password in `postgresql://user:PASSWORD@host` or in a `password=` parameter.
    static func containsPassword(_ url: String) -> Bool {
        if url.firstRange(of: "password=") != nil { return true }
        guard let scheme = url.firstRange(of: "://") else { return false }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return false }
        return authority[..<at].contains(":")
    }

    /// The URL with any password replaced by `***`, for messages.
    static func withoutPassword(_ url: String) -> String {
        guard containsPassword(url) else { return url }
        var shown = url
        if let scheme = shown.firstRange(of: "://") {
            let rest = shown[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                shown.replaceSubrange(shown.index(after: colon)..<at, with: "***")
            }
        }
        if let key = shown.firstRange(of: "password=") {
            let end = shown[key.upperBound...].firstIndex { $0 == "&" || $0 == " " } ?? shown.endIndex
            shown.replaceSubrange(key.upperBound..<end, with: "***")
        }
        return shown
    }

    /// The same rule as the store's: the name is written into SQL as an identifier.
    static func isValidSchemaName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, first == UInt8(ascii: "_") || (97...122).contains(first)
        else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }
    }
}
