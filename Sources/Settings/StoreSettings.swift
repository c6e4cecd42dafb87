/// The `store:` section: where users and token records live.
public struct StoreSettings: Sendable, Hashable {
    /// SQLite database file (resolved against the settings file's directory when relative).
    public var sqlitePath = "/var/lib/authd/authd.sqlite3"
    /// How long a writer waits for another writer's lock before giving up.
    public var busyTimeout: TimeSpan = .seconds(5)
    /// Set: the store is this PostgreSQL database instead of the SQLite file.
    public var postgres: PostgresSettings?

    public init() {}

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> StoreSettings {
        var settings = StoreSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "store",
                                          known: ["sqlite", "busy_timeout", "postgres"]) else { return settings }
        if let field = fields["postgres"] {
            settings.postgres = PostgresSettings.decode(field, decoder: decoder)
            for key in ["sqlite", "busy_timeout"] {
                if let other = fields[key] {
                    decoder.error(.invalidValue, other, "store.\(key) is for the SQLite store; with store.postgres remove it")
                }
            }
        }
        if let field = fields["sqlite"], let path = decoder.path(field) {
            if path == ":memory:" || path.hasPrefix("file:") {
                decoder.error(.invalidValue, field, "expected a database file path; an in-memory store would lose every token on restart")
            } else {
                settings.sqlitePath = path
            }
        }
        if let field = fields["busy_timeout"], let span = decoder.duration(field, allowZero: false) {
            settings.busyTimeout = span
        }
        return settings
    }
}
