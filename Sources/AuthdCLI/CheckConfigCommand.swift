import Service
import Settings

/// `authd check-config`: the full load and provisioning of `serve`, without binding sockets.
enum CheckConfigCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        _ = try scanner.positionals(0, usage: "authd check-config [--config PATH]")
        let context = CommandContext(scanner)
        let components = try context.components()
        for warning in components.settings.warnings + components.codec.warnings {
            print("warning: \(warning)")
        }
        components.store.close()
        print("\(context.configPath): OK (\(components.codec.algorithm.rawValue), "
              + "\(components.settings.listen.count) listener(s), store \(components.settings.store.sqlitePath))")
    }
}
