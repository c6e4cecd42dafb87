import JOSE
import JSON
import Platform
import Tokens

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

        let minter = try CommandContext(scanner).minter()
        do {
            _ = try minter.codec.decode(token, validation: minter.policy.validation,
                                        now: Int64(SystemWallClock().now().rounded(.down)))
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
