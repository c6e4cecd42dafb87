import Service
import Settings

/// `authd check-config`: the full load and provisioning of `serve`, without binding sockets.
enum CheckConfigCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        _ = try scanner.positionals(0, usage: "authd check-config [--config PATH]")
        let context = CommandContext(scanner)
        let registry = try PluginsCommand.registry()
        let components = try context.components()
        defer { components.store.close() }
        // Every provider is built and validated as `serve` would, then shut down again.
        let providers: Int
        do throws(ConfigurationFailure) {
            let claims = try ProviderClaimsSource.build(components, registry: registry)
            providers = claims.pipeline.entries.count
            claims.shutdown()
        } catch {
            throw .failure("invalid settings:\n" + error.description)
        }
        for warning in components.settings.warnings + components.codec.warnings {
            print("warning: \(warning)")
        }
        print("\(context.configPath): OK (\(components.codec.algorithm.rawValue), "
              + "\(components.settings.listen.count) listener(s), \(providers) claim provider(s), "
              + "store \(components.settings.store.sqlitePath))")
    }
}
