import Assembly
import Settings

/// `authd check-config`: the full load and provisioning of `serve` (keys, claim providers, a look at the
/// store), without binding sockets and without creating or writing anything.
enum CheckConfigCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        _ = try scanner.positionals(0, usage: "authd check-config [--config PATH]")
        let context = CommandContext(scanner)
        let builder = try context.builder()
        let report: RuntimeBuilder.CheckReport
        do {
            report = try builder.check()
        } catch {
            throw .failure("invalid settings:\n" + error.description)
        }
        for warning in report.warnings { print("warning: \(warning)") }
        print("\(context.configPath): OK (\(report.algorithm), \(builder.settings.listen.count) listener(s), "
              + "\(report.claimProviders) claim provider(s), store \(report.store))")
    }
}
