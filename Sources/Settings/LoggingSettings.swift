import Logging

/// The `logging:` section.
public struct LoggingSettings: Sendable, Hashable {
    public var level: Logger.Level = .info
    /// `text` (journald-friendly lines, the default) or `json` (one JSON object a line, for log shippers).
    public var format: Logger.Format = .text

    public init() {}

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> LoggingSettings {
        var settings = LoggingSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "logging", known: ["level", "format"])
        else { return settings }
        if let field = fields["level"], let name = decoder.choice(field, Logger.Level.allCases.map(\.name)),
           let level = Logger.Level(name: name) {
            settings.level = level
        }
        if let field = fields["format"], let name = decoder.choice(field, Logger.Format.allCases.map(\.rawValue)),
           let format = Logger.Format(rawValue: name) {
            settings.format = format
        }
        return settings
    }
}
