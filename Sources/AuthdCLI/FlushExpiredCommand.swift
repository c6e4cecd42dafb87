import Platform
import Store

/// `authd flush-expired`: SimpleJWT's `flushexpiredtokens` (run it from a timer or cron).
enum FlushExpiredCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        _ = try scanner.positionals(0, usage: "authd flush-expired [--config PATH]")
        let store = try CommandContext(scanner).store()
        defer { store.close() }
        do {
            let now = SystemWallClock().now()
            let deleted = try StoreCall.wait { store.flushExpired(now: now, completion: $0) }
            print("deleted \(deleted) expired token(s)")
        } catch {
            throw .failure(error.message)
        }
    }
}
