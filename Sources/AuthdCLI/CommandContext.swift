import Assembly
import Settings
import Store
import Tokens

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

    /// The assembly for these settings: `check-config`, `serve` and the tools that sign or verify use it.
    func builder() throws(CLIError) -> RuntimeBuilder {
        RuntimeBuilder(settings: try settings(), registry: try PluginsCommand.registry())
    }

    /// The token signer and verifier of these settings, without a store.
    func minter() throws(CLIError) -> TokenMinter {
        let builder = try builder()
        do {
            return try builder.minter()
        } catch {
            throw .failure("invalid settings:\n" + error.description)
        }
    }

    /// Just the store: user administration needs no signing key.
    func store() throws(CLIError) -> any StoreBackend {
        let settings = try settings()
        do {
            return try Services.openStore(settings)
        } catch {
            throw .failure(error.description)
        }
    }
}
