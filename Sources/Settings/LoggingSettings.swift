/// The `logging:` section.
public struct LoggingSettings: Sendable, Hashable {
    public var level: LogLevel = .info

    public init() {}

    static func decode(_ section: Field?, decoder: SettingsDecoder) -> LoggingSettings {
        var settings = LoggingSettings()
        guard let section,
              let fields = decoder.fields(of: section.value, errorMark: section.mark, path: "logging", known: ["level"])
        else { return settings }
        if let field = fields["level"], let name = decoder.choice(field, LogLevel.all.map(\.name)) {
            settings.level = LogLevel.all.first { $0.name == name } ?? .info
        }
        return settings
    }
}
