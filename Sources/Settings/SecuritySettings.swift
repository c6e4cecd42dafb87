/// The `security:` section: limits that keep one client from exhausting the daemon.
public struct SecuritySettings: Sendable, Hashable {
    /// How long the immediate predecessor of a rotated refresh token may still be presented (a client that
    /// lost the response) before reuse counts as theft and revokes the token family. Zero disables it.
    public var refreshReuseGrace: TimeSpan = .seconds(10)
    public var maxBodyBytes = 65_536
    public var maxHeaderBytes = 16_384
    public var maxConnections = 10_000
    public var idleTimeout: TimeSpan = .seconds(60)
    public var requestTimeout: TimeSpan = .seconds(10)

    public init() {}

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> SecuritySettings {
        var settings = SecuritySettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "security", known: [
                  "refresh_reuse_grace", "max_body_bytes", "max_header_bytes", "max_connections", "idle_timeout",
                  "request_timeout",
              ]) else { return settings }
        if let field = fields["refresh_reuse_grace"], let span = decoder.duration(field, allowZero: true) {
            settings.refreshReuseGrace = span
        }
        if let field = fields["max_body_bytes"], let value = decoder.integer(field, in: 1024...(64 << 20)) {
            settings.maxBodyBytes = value
        }
        if let field = fields["max_header_bytes"], let value = decoder.integer(field, in: 1024...(1 << 20)) {
            settings.maxHeaderBytes = value
        }
        if let field = fields["max_connections"], let value = decoder.integer(field, in: 1...1_000_000) {
            settings.maxConnections = value
        }
        if let field = fields["idle_timeout"], let span = decoder.duration(field, allowZero: false) {
            settings.idleTimeout = span
        }
        if let field = fields["request_timeout"], let span = decoder.duration(field, allowZero: false) {
            settings.requestTimeout = span
        }
        return settings
    }
}
