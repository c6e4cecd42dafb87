import Logging

/// The `logging:` section.
public struct LoggingSettings: Sendable, Hashable {
    public var level: Logger.Level = .info

    public init() {}

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> LoggingSettings {
        var settings = LoggingSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "logging", known: ["level"])
        else { return settings }
        if let field = fields["level"], let name = decoder.choice(field, Logger.Level.allCases.map(\.name)),
           let level = Logger.Level(name: name) {
            settings.level = level
        }
        return settings
    }
}
