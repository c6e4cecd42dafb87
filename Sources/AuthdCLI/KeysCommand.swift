import JOSE

/// `authd keys generate --algorithm ALG --out FILE [--force]` and `authd keys rotate [--out FILE] [--algorithm ALG]`.
enum KeysCommand {
    static let usage = "authd keys generate --algorithm ALG --out FILE [--force]\n"
        + "       authd keys rotate [--out FILE] [--algorithm ALG] [--config PATH]"

    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: CommandContext.valuedOptions.union(["--algorithm", "--out"]),
                                          flags: ["--force"])
        switch try scanner.positionals(1, usage: usage).first {
        case "generate": try generate(scanner)
        case "rotate": try KeyRotation.run(scanner)
        case let other: throw .usage("unknown keys command \"\(other ?? "")\"; usage: \(usage)")
        }
    }

    private static func generate(_ scanner: ArgumentScanner) throws(CLIError) {
        guard let name = scanner.value("--algorithm") else { throw .usage("--algorithm is required; usage: \(usage)") }
        guard let algorithm = JWSAlgorithm(rawValue: name) else {
            throw .usage("unknown algorithm \"\(name)\"; choose one of "
                         + JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let out = scanner.value("--out"), !out.isEmpty else { throw .usage("--out is required; usage: \(usage)") }
        try generate(algorithm, to: out, replace: scanner.flag("--force"))
        print("wrote \(algorithm.rawValue) \(algorithm.isSymmetric ? "secret" : "private key") to \(out) (mode 0600)")
        if !algorithm.isSymmetric { print("wrote the public key to \(out).pub") }
        print("settings: SIMPLE_JWT: {ALGORITHM: \(algorithm.rawValue), SIGNING_KEY_FILE: \(out)}")
    }

    @discardableResult
    static func generate(_ algorithm: JWSAlgorithm, to path: String, replace: Bool) throws(CLIError) -> GeneratedKey {
        let key: GeneratedKey
        do {
            key = try KeyGenerator.generate(algorithm)
        } catch {
            throw .failure("cannot generate a \(algorithm.rawValue) key: \(error.message)")
        }
        if !replace, SecureFile.exists(path) { throw .failure("\(path) already exists; pass --force to replace it") }
        var secret = key.secretOrPrivatePEM
        if algorithm.isSymmetric { secret.append(UInt8(ascii: "\n")) }
        try SecureFile.write(secret, to: path, mode: 0o600, replace: replace)
        if let publicPEM = key.publicPEM {
            try SecureFile.write(publicPEM, to: path + ".pub", mode: 0o644, replace: true)
        }
        return key
    }
}
