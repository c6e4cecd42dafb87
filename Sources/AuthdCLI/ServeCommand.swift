#if canImport(Glibc)
import Glibc
#endif
import Daemon
import JOSE

/// `authd serve [--dev]`.
enum ServeCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        // Before any thread exists (see Daemon.prepareProcess).
        Daemon.prepareProcess()
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: ["--dev"])
        _ = try scanner.positionals(0, usage: "authd serve [--dev | --config PATH]")
        var context = CommandContext(scanner)
        if scanner.flag("--dev") {
            guard scanner.value("--config") == nil else { throw .usage("--dev and --config exclude each other") }
            context = try DevelopmentState.prepare()
        }
        let registry = try PluginsCommand.registry()
        let settings = try context.settings()
        do {
            try Daemon(settings: settings, registry: registry).run()
        } catch {
            throw .failure("invalid settings:\n" + error.description)
        }
    }
}

/// The embedded default for a first run: settings, key and database in `./state`, created on first use.
enum DevelopmentState {
    static func prepare() throws(CLIError) -> CommandContext {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { throw .failure("cannot read the current directory") }
        let state = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/state"
        if mkdir(state, 0o700) != 0 && errno != EEXIST {
            throw .failure("cannot create \(state): \(String(cString: strerror(errno)))")
        }
        let key = state + "/signing.key", config = state + "/authd.yaml"
        var created: [String] = []
        if !SecureFile.exists(key) {
            try KeysCommand.generate(.HS256, to: key, replace: false)
            created.append("key")
        }
        if !SecureFile.exists(config) {
            let yaml = """
                # Development settings written by `authd serve --dev`. Edit freely; delete this file to regenerate it.
                SIMPLE_JWT:
                  ACCESS_TOKEN_LIFETIME: 15m
                  REFRESH_TOKEN_LIFETIME: 7d
                  ROTATE_REFRESH_TOKENS: true
                  BLACKLIST_AFTER_ROTATION: true
                  ALGORITHM: HS256
                  SIGNING_KEY_FILE: \(key)
                listen:
                  - tcp: 127.0.0.1:8000
                  - unix: \(state)/authd.sock
                    mode: "0660"
                store:
                  sqlite: \(state)/authd.sqlite3

                """
            try SecureFile.write(Array(yaml.utf8), to: config, mode: 0o600, replace: false)
            created.append("settings")
        }
        let note = created.isEmpty ? "" : " (created now: \(created.joined(separator: ", ")))"
        Console.error("""
            authd development mode\(note)
              settings: \(config)
              key:      \(key) (HS256, mode 0600)
              database: \(state)/authd.sqlite3
              add a user:  swift run authd user add alice --config state/authd.yaml
              get tokens:  curl -s -d username=alice -d password=… http://127.0.0.1:8000/api/token/

            """)
        return CommandContext(configPath: config)
    }
}
