#if canImport(Glibc)
import Glibc
#endif
import Daemon

/// The `authd` command line: one type per subcommand, and this one place that turns errors into exit codes
/// (0 ok, 1 runtime or configuration failure, 64 usage error).
public enum AuthdCommand {
    public static let version = AuthdVersion.current

    public static func main(arguments: [String]) -> Never {
        do {
            try dispatch(arguments)
            exit(0)
        } catch {
            Console.error("authd: \(error.message)\n")
            if error.code == .usage { Console.error("Run 'authd --help' for usage.\n") }
            exit(error.code.exitStatus)
        }
    }

    static func dispatch(_ arguments: [String]) throws(CLIError) {
        guard let command = arguments.first else { throw .usage("no command given") }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            switch command {
            case "bench": print(BenchCommand.usage)
            case "user": print(UserCommand.usage)
            case "store": print(StoreCommand.usage)
            default: print(usage)
            }
            return
        }
        switch command {
        case "--version", "version":
            print("authd \(version)")
        case "--help", "-h", "help":
            print(usage)
        case "serve": try ServeCommand.run(rest)
        case "check-config": try CheckConfigCommand.run(rest)
        case "keys": try KeysCommand.run(rest)
        case "token": try TokenCommand.run(rest)
        case "user": try UserCommand.run(rest)
        case "group": try GroupCommand.run(rest)
        case "plugins": try PluginsCommand.run(rest)
        case "flush-expired": try FlushExpiredCommand.run(rest)
        case "store": try StoreCommand.run(rest)
        case "bench": try BenchCommand.run(rest)
        default:
            throw .usage("unknown command \"\(command)\"")
        }
    }

    static let usage = """
        authd \(version): a SimpleJWT-compatible JWT authentication daemon

        Usage: authd COMMAND [options]      (every command takes --config PATH, default \(CommandContext.defaultConfig))

        Commands:
          serve [--dev]                       serve the token API (--dev: embedded development settings in ./state)
          check-config                        load and provision everything without serving; list every error
          keys generate --algorithm ALG --out FILE [--force]
                                              write a new signing key (mode 0600; public key beside it as FILE.pub)
          token inspect TOKEN|-               print a token's header and claims; exit 0 only if it verifies
          user add NAME [--password-stdin] [--inactive] [--email E] [--first-name F] [--last-name L]
                        [--staff] [--superuser]
          user passwd NAME [--password-stdin]
          user activate NAME | user deactivate NAME | user delete NAME | user list
          user import FILE|-                  users from Django's `manage.py dumpdata auth.user`, ids and hashes kept
          user groups NAME [--add GROUP] [--remove GROUP]
                                              change and list a user's groups (claims.groups)
          group add NAME | group delete NAME | group list
          plugins                             list the claim providers that claims: entries may name
          flush-expired                       delete expired outstanding and blacklisted tokens
          store copy --from-sqlite FILE       copy users, groups and tokens from an SQLite database into the
                                              configured store (store.postgres); safe to run again
          bench --tcp HOST:PORT|--unix PATH [--path P] [--body B|--bodies FILE] [...]  load-test a daemon (bench/README.md)
          --version                           print the version

        Exit status: 0 ok, 1 runtime or configuration failure, 64 usage error.
        """
}
