import Service

/// `authd flush-expired`: SimpleJWT's `flushexpiredtokens` (run it from a timer or cron).
enum FlushExpiredCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        _ = try scanner.positionals(0, usage: "authd flush-expired [--config PATH]")
        let store = try CommandContext(scanner).store()
        defer { store.close() }
        do {
            let deleted = try store.flushExpired(now: systemClock())
            print("deleted \(deleted) expired token(s)")
        } catch {
            throw .failure(error.message)
        }
    }
}
