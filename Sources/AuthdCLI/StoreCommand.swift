import Assembly
import Settings
import Store

/// `authd store copy --from-sqlite FILE`: moves everything an SQLite database holds (users with their ids and
/// password hashes, groups and memberships, tokens with their families and blacklist) into the store the settings
/// configure, PostgreSQL for several instances (README "Several instances"). Safe to run again.
enum StoreCommand {
    static let usage = "authd store copy --from-sqlite FILE [--config PATH]"

    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions.union(["--from-sqlite"]), flags: [])
        guard scanner.positionals.first == "copy" else {
            throw .usage(scanner.positionals.isEmpty ? "missing store command; usage: \(usage)"
                                                      : "unknown store command \"\(scanner.positionals[0])\"; usage: \(usage)")
        }
        _ = try scanner.positionals(1, usage: usage)
        guard let sourcePath = scanner.value("--from-sqlite") else { throw .usage("--from-sqlite FILE is required; usage: \(usage)") }
        let context = CommandContext(scanner)
        let settings = try context.settings()
        if settings.store.postgres == nil, settings.store.sqlitePath == sourcePath {
            throw .failure("\(sourcePath) is the store \(context.configPath) configures already; point store: at the new "
                + "database (store.postgres) and copy from the old file")
        }
        let source: any StoreBackend, target: any StoreBackend
        do {
            source = try Services.openSQLiteSource(path: sourcePath)
            target = try Services.openStore(settings)
        } catch {
            throw .failure(error.description)
        }
        defer {
            source.close()
            target.close()
        }
        let summary: StoreCopy.Summary
        do {
            summary = try StoreCopy(from: source, to: target).run()
        } catch {
            throw .failure("the copy stopped: \(error.message); run the command again to finish it")
        }
        print("copied from \(source.location) to \(target.location):")
        print("  users: \(summary.usersCopied) copied, \(summary.usersAlreadyThere) already there")
        print("  groups: \(summary.groupsCopied) copied; memberships: \(summary.memberships)")
        print("  tokens: \(summary.tokensCopied) copied, \(summary.tokensAlreadyThere) already there")
        for conflict in summary.userConflicts {
            Console.error("authd: not copied: \(conflict)\n")
        }
        if !summary.userConflicts.isEmpty {
            throw .failure("\(summary.userConflicts.count) user(s) were not copied: their id or username belongs to "
                + "another user in \(target.location)")
        }
    }
}
