import Platform

/// The `security:` section: limits that keep one client from exhausting the daemon.
public struct SecuritySettings: Sendable, Hashable {
    /// How long the immediate predecessor of a rotated refresh token may still be presented (a client that
    /// lost the response) before reuse counts as theft and revokes the token family. Zero disables it.
    public var refreshReuseGrace: TimeSpan = .seconds(10)
    public var maxBodyBytes = 65_536
    public var maxHeaderBytes = 16_384
    public var maxConnections = 10_000
    /// Connections one client address may hold at once (trusted proxies are not capped).
    public var maxConnectionsPerAddress = 1000
    public var idleTimeout: TimeSpan = .seconds(60)
    /// Also the time a new connection has to send its first request.
    public var requestTimeout: TimeSpan = .seconds(10)
    /// How long answers may wait for a client that reads none of them.
    public var writeTimeout: TimeSpan = .seconds(10)
    /// Unsent answers across all connections; beyond, clients that do not read are dropped.
    public var outputBudgetBytes = 64 << 20
    /// Peers whose `X-Forwarded-For` / `X-Real-IP` name the client (reverse proxies); "unix" trusts Unix-socket peers.
    public var trustedProxies: [IPRange] = []
    public var loginThrottle = LoginThrottleSettings()

    public init() {}

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> SecuritySettings {
        var settings = SecuritySettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "security", known: [
                  "refresh_reuse_grace", "max_body_bytes", "max_header_bytes", "max_connections", "idle_timeout",
                  "request_timeout", "max_connections_per_address", "write_timeout", "output_budget_bytes",
                  "trusted_proxies", "login_throttle",
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
        if let field = fields["max_connections_per_address"], let value = decoder.integer(field, in: 1...1_000_000) {
            settings.maxConnectionsPerAddress = value
        }
        if let field = fields["idle_timeout"], let span = decoder.duration(field, allowZero: false) {
            settings.idleTimeout = span
        }
        if let field = fields["request_timeout"], let span = decoder.duration(field, allowZero: false) {
            settings.requestTimeout = span
        }
        if let field = fields["write_timeout"], let span = decoder.duration(field, allowZero: false) {
            settings.writeTimeout = span
        }
        if let field = fields["output_budget_bytes"], let value = decoder.integer(field, in: (1 << 20)...(1 << 34)) {
            settings.outputBudgetBytes = value
        }
        if let field = fields["trusted_proxies"],
           let items = decoder.stringList(field, expected: "a list of addresses or ranges such as [127.0.0.1, 10.0.0.0/8, unix]") {
            var ranges: [IPRange] = []
            for item in items {
                if let range = IPRange(item) {
                    ranges.append(range)
                } else {
                    decoder.error(.invalidValue, field, "\"\(item)\" is not an IP address, a range such as 10.0.0.0/8, or unix")
                }
            }
            settings.trustedProxies = ranges
        }
        settings.loginThrottle = LoginThrottleSettings.decode(fields["login_throttle"], decoder: decoder)
        return settings
    }
}
