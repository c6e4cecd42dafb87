import Plugins

/// `authd plugins`: every registered claim provider ID with its one-line description.
enum PluginsCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        _ = try scanner.positionals(0, usage: "authd plugins")
        let registry = try registry()
        let width = registry.ids.map(\.count).max() ?? 0
        for registration in registry.registrations {
            let padding = String(repeating: " ", count: width - registration.id.count)
            print("\(registration.id)\(padding)  \(registration.summary)")
        }
    }

    /// The built-in and local providers; a registration mistake in a local provider is reported, not a crash.
    static func registry() throws(CLIError) -> ProviderRegistry {
        do {
            return try ProviderRegistry.standard()
        } catch {
            throw .failure("claim provider registry: \(error.message)")
        }
    }
}
