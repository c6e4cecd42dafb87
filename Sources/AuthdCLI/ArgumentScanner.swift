/// A strict scanner for `authd` arguments: known options only, values where expected, `--opt=value` accepted.
struct ArgumentScanner {
    private(set) var positionals: [String] = []
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// - Parameters:
    ///   - valued: options that take a value (`--config PATH`).
    ///   - flags: options that take none (`--staff`).
    init(_ arguments: [String], valued: Set<String>, flags flagNames: Set<String>) throws(CLIError) {
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
                if !onlyPositionals, argument.hasPrefix("-"), argument != "-" {
                    throw .usage("unknown option \(argument)")
                }
                positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            var name = argument
            var inlineValue: String?
            if let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inlineValue = String(argument[argument.index(after: eq)...])
            }
            if valued.contains(name) {
                if let inlineValue {
                    values[name] = inlineValue
                } else {
                    guard index < arguments.count else { throw .usage("\(name) needs a value") }
                    values[name] = arguments[index]
                    index += 1
                }
            } else if flagNames.contains(name) {
                guard inlineValue == nil else { throw .usage("\(name) takes no value") }
                flags.insert(name)
            } else {
                throw .usage("unknown option \(name)")
            }
        }
    }

    func value(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Exactly `count` positional arguments, named in the usage message otherwise.
    func positionals(_ count: Int, usage: String) throws(CLIError) -> [String] {
        guard positionals.count == count else {
            throw .usage(positionals.count < count ? "missing argument; usage: \(usage)"
                                                   : "unexpected argument \(positionals[count]); usage: \(usage)")
        }
        return positionals
    }
}
