import Assembly
import Audit
import Passwords
import Platform
import Settings
import Store

/// `authd user add|passwd|activate|deactivate|delete|list`: user administration on the store, safe while the
/// daemon runs (SQLite WAL, busy timeout). Passwords come from a TTY prompt or `--password-stdin`, never argv.
enum UserCommand {
    static let usage = """
        authd user add NAME [--password-stdin] [--inactive] [--email E] [--first-name F] [--last-name L] [--staff] [--superuser]
               authd user passwd NAME [--password-stdin] | authd user activate|deactivate|delete NAME | authd user list
               authd user import FILE|-
               authd user groups NAME [--add GROUP] [--remove GROUP]
        """

    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(
            arguments, valued: CommandContext.valuedOptions.union(["--email", "--first-name", "--last-name", "--add", "--remove"]),
            flags: ["--password-stdin", "--inactive", "--staff", "--superuser"])
        guard let action = scanner.positionals.first else { throw .usage("missing user command; usage: \(usage)") }
        let context = CommandContext(scanner)
        switch action {
        case "add": try add(scanner, context)
        case "passwd": try passwd(scanner, context)
        case "activate", "deactivate":
            let name = try scanner.positionals(2, usage: "authd user \(action) NAME")[1]
            try withStore(context) { store throws(StoreError) in
                try StoreCall.wait { store.setActive(username: name, action == "activate", completion: $0) }
            }
            print("user \(name) \(action)d")
        case "delete":
            let name = try scanner.positionals(2, usage: "authd user delete NAME")[1]
            try withStore(context) { store throws(StoreError) in try StoreCall.wait { store.deleteUser(username: name, completion: $0) } }
            print("user \(name) deleted")
        case "import": try UserImportCommand.run(scanner, context)
        case "list":
            _ = try scanner.positionals(1, usage: "authd user list")
            let users = try withStore(context) { store throws(StoreError) in try StoreCall.wait(store.users) }
            print(table(users))
        case "groups": try groups(scanner, context)
        default:
            throw .usage("unknown user command \"\(action)\"; usage: \(usage)")
        }
    }

    private static func add(_ scanner: ArgumentScanner, _ context: CommandContext) throws(CLIError) {
        let name = try scanner.positionals(2, usage: "authd user add NAME [options]")[1]
        guard !name.isEmpty, name.count <= 150 else { throw .usage("a username has 1 to 150 characters") }
        let settings = try context.settings()
        let password = try PasswordInput.read(fromStdin: scanner.flag("--password-stdin"), confirm: true)
        let hash = try hashPassword(password, settings: settings)
        let new = NewUser(username: name, passwordHash: hash, isActive: !scanner.flag("--inactive"),
                          isStaff: scanner.flag("--staff"), isSuperuser: scanner.flag("--superuser"),
                          email: scanner.value("--email") ?? "", firstName: scanner.value("--first-name") ?? "",
                          lastName: scanner.value("--last-name") ?? "", lastLogin: nil, dateJoined: SystemWallClock().now())
        let user = try withStore(context) { store throws(StoreError) in try StoreCall.wait { store.addUser(new, completion: $0) } }
        print("user \(user.username) added with id \(user.id)\(user.isActive ? "" : " (inactive)")")
    }

    private static func passwd(_ scanner: ArgumentScanner, _ context: CommandContext) throws(CLIError) {
        let name = try scanner.positionals(2, usage: "authd user passwd NAME [--password-stdin]")[1]
        let settings = try context.settings()
        // Fail before prompting when the user does not exist.
        guard try withStore(context, { store throws(StoreError) in
            try StoreCall.wait { store.user(username: name, completion: $0) }
        }) != nil else {
            throw .failure("no user named \(name)")
        }
        let password = try PasswordInput.read(fromStdin: scanner.flag("--password-stdin"), confirm: true)
        let hash = try hashPassword(password, settings: settings)
        try withStore(context) { store throws(StoreError) in
            try StoreCall.wait { store.setPassword(username: name, hash: hash, completion: $0) }
        }
        AuditLog(log: RuntimeBuilder.makeLogger(settings.logging)).passwordChanged(username: name, by: SystemUser.current)
        print("password of \(name) changed")
    }

    /// `authd user groups NAME [--add G] [--remove G]`: changes membership, then lists the user's groups.
    private static func groups(_ scanner: ArgumentScanner, _ context: CommandContext) throws(CLIError) {
        let name = try scanner.positionals(2, usage: "authd user groups NAME [--add GROUP] [--remove GROUP]")[1]
        let add = scanner.value("--add"), remove = scanner.value("--remove")
        let names = try withStore(context) { store throws(StoreError) -> [String] in
            if let add { try StoreCall.wait { store.addUser(username: name, toGroup: add, completion: $0) } }
            if let remove { try StoreCall.wait { store.removeUser(username: name, fromGroup: remove, completion: $0) } }
            return try StoreCall.wait { store.groupNames(username: name, completion: $0) }
        }
        print(names.joined(separator: "\n"))
    }

    private static func hashPassword(_ password: [UInt8], settings: AuthdSettings) throws(CLIError) -> String {
        do {
            return try RuntimeBuilder.makeHasher(settings.passwords).encode(password)
        } catch let error as ConfigurationFailure {
            throw .failure(error.description)
        } catch {
            throw .failure("cannot hash the password: \(error)")
        }
    }

    static func withStore<T>(_ context: CommandContext,
                                     _ body: (any StoreBackend) throws(StoreError) -> T) throws(CLIError) -> T {
        let store = try context.store()
        defer { store.close() }
        do {
            return try body(store)
        } catch {
            throw .failure(error.message)
        }
    }

    private static func table(_ users: [User]) -> String {
        var rows = [["ID", "USERNAME", "ACTIVE", "STAFF", "SUPERUSER", "EMAIL", "LAST LOGIN"]]
        for user in users {
            rows.append([String(user.id), user.username, yes(user.isActive), yes(user.isStaff), yes(user.isSuperuser),
                         user.email, user.lastLogin.map(Timestamp.iso8601) ?? "never"])
        }
        return table(rows)
    }

    /// Left-aligned columns, two spaces apart; the first row is the header.
    static func table(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }
}
