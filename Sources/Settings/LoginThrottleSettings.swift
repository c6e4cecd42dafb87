/// `security.login_throttle`: how many failed logins are allowed before obtain answers 429, per (address,
/// username) pair, per address, and per username. See README "Brute-force throttling" for the trade-offs.
public struct LoginThrottleSettings: Sendable, Hashable {
    /// One limit: at most `failures` failed logins within `window`.
    public struct Limit: Sendable, Hashable {
        public var failures: Int
        public var window: TimeSpan

        public init(failures: Int, window: TimeSpan) {
            self.failures = failures
            self.window = window
        }
    }

    public var enabled = true
    /// One address guessing one user's password: stopped after a few attempts.
    public var addressAndUsername = Limit(failures: 5, window: .minutes(15))
    /// One address trying many usernames.
    public var address = Limit(failures: 50, window: .minutes(15))
    /// Every address together guessing one username: beyond `failures`, the username is slowed down (the wait
    /// doubles with each further failure, up to `maxDelay`), never locked out for longer than that.
    public var username = Limit(failures: 20, window: .minutes(15))
    public var usernameMaxDelay: TimeSpan = .minutes(1)
    /// Counters kept in memory at most; the oldest are forgotten first.
    public var maxEntries = 100_000

    public init() {}

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> LoginThrottleSettings {
        var settings = LoginThrottleSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: section.path, known: [
                  "enabled", "address_and_username", "address", "username", "max_entries",
              ]) else { return settings }
        if let field = fields["enabled"], let value = decoder.bool(field) { settings.enabled = value }
        if let field = fields["address_and_username"], let limit = decodeLimit(field, keys: [], decoder: decoder) {
            settings.addressAndUsername = limit.0
        }
        if let field = fields["address"], let limit = decodeLimit(field, keys: [], decoder: decoder) {
            settings.address = limit.0
        }
        if let field = fields["username"], let limit = decodeLimit(field, keys: ["max_delay"], decoder: decoder) {
            settings.username = limit.0
            if let delay = limit.1["max_delay"], let span = decoder.duration(delay, allowZero: false) {
                settings.usernameMaxDelay = span
            }
        }
        if let field = fields["max_entries"], let value = decoder.integer(field, in: 100...10_000_000) {
            settings.maxEntries = value
        }
        return settings
    }

    /// `{failures: N, window: D}` plus any `keys` the caller reads itself.
    private static func decodeLimit(_ field: Field, keys: [String], decoder: SettingsDecoder) -> (Limit, [String: Field])? {
        guard let fields = decoder.fields(of: field.value, errorMark: field.mark, path: field.path,
                                          known: ["failures", "window"] + keys) else { return nil }
        var limit = Limit(failures: 0, window: .zero)
        guard let failuresField = fields["failures"], let windowField = fields["window"] else {
            decoder.error(.missingValue, field, "expected failures and window, such as {failures: 5, window: 15m}")
            return nil
        }
        guard let failures = decoder.integer(failuresField, in: 1...1_000_000),
              let window = decoder.duration(windowField, allowZero: false) else { return nil }
        limit.failures = failures
        limit.window = window
        return (limit, fields)
    }
}
