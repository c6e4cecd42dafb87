import Service
import Settings
import Store

/// What every subcommand shares: the `--config` option and lazily built pieces of the configuration.
struct CommandContext {
    static let defaultConfig = "/etc/authd/authd.yaml"
    static let valuedOptions: Set<String> = ["--config"]

    let configPath: String

    init(configPath: String) { self.configPath = configPath }

    init(_ scanner: ArgumentScanner) {
        configPath = scanner.value("--config") ?? Self.defaultConfig
    }

    func settings() throws(CLIError) -> AuthdSettings {
        switch SettingsLoader.load(path: configPath) {
        case .success(let settings): return settings
        case .failure(let errors): throw .failure("invalid settings:\n" + errors.description)
        }
    }

    func components() throws(CLIError) -> ServiceComponents {
        let settings = try settings()
        do {
            return try ServiceComponents(settings: settings)
        } catch {
            throw .failure("invalid settings:\n" + error.description)
        }
    }

    /// Just the store: user administration needs no signing key.
    func store() throws(CLIError) -> Store {
        let settings = try settings()
        do {
            return try Store(path: settings.store.sqlitePath,
                             busyTimeoutMilliseconds: Int(settings.store.busyTimeout.milliseconds))
        } catch {
            throw .failure("\(settings.store.sqlitePath): \(error.message)")
        }
    }
}
