import Store

/// `authd group add|delete|list`: the groups `claims.groups` puts into tokens. Safe while the daemon runs.
enum GroupCommand {
    static let usage = "authd group add NAME | authd group delete NAME | authd group list"

    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        guard let action = scanner.positionals.first else { throw .usage("missing group command; usage: \(usage)") }
        let context = CommandContext(scanner)
        switch action {
        case "add":
            let name = try scanner.positionals(2, usage: "authd group add NAME")[1]
            let group = try UserCommand.withStore(context) { store throws(StoreError) in try StoreCall.wait { store.addGroup(name: name, completion: $0) } }
            print("group \(group.name) added")
        case "delete":
            let name = try scanner.positionals(2, usage: "authd group delete NAME")[1]
            try UserCommand.withStore(context) { store throws(StoreError) in try StoreCall.wait { store.deleteGroup(name: name, completion: $0) } }
            print("group \(name) deleted")
        case "list":
            _ = try scanner.positionals(1, usage: "authd group list")
            let groups = try UserCommand.withStore(context) { store throws(StoreError) in try StoreCall.wait(store.groups) }
            print(UserCommand.table([["NAME", "MEMBERS"]] + groups.map { [$0.name, String($0.memberCount)] }))
        default:
            throw .usage("unknown group command \"\(action)\"; usage: \(usage)")
        }
    }
}
