import JOSE
import JSON
import Service

/// `authd token inspect TOKEN`: prints header and claims; exit 0 only if the token verifies under the configured key.
enum TokenCommand {
    static func run(_ arguments: [String]) throws(CLIError) {
        let usage = "authd token inspect TOKEN|- [--config PATH]"
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions, flags: [])
        let words = try scanner.positionals(2, usage: usage)
        guard words[0] == "inspect" else { throw .usage("unknown token command \"\(words[0])\"; usage: \(usage)") }
        var token = words[1]
        if token == "-" { token = readLine(strippingNewline: true) ?? "" }
        token = token.trimmingWhitespace()

        let parsed: JWT
        do {
            parsed = try JWTInspector.decodeUnverified(token)
        } catch {
            throw .failure("not a readable JWT: \(error.message)")
        }
        print("header: \(JSON.serializeString(.object(parsed.header)))")
        print("claims: \(JSON.serializeString(.object(parsed.claims)))")

        let components = try CommandContext(scanner).components()
        defer { components.store.close() }
        do {
            _ = try components.codec.decode(token, validation: components.policy.validation,
                                            now: Int64(systemClock().rounded(.down)))
        } catch {
            throw .failure("token does NOT verify: \(error.message)")
        }
        print("verified: signature, algorithm and time claims are valid under the configured key")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
