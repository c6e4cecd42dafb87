#if canImport(Glibc)
import Glibc
#endif
import JSON
import Settings

/// `claims.command`: runs an executable for each token and takes the JSON object it prints as claims.
///
/// ```yaml
/// - provider: claims.command
///   command: [/usr/lib/authd/claims-hook, --json]   # argv; no shell, no PATH search
///   timeout: 500ms                                  # default 2s; killed (SIGKILL, whole process group) after it
///   max_output_bytes: 65536                         # default 64 KiB
///   environment: {HOOK_MODE: prod}                  # default PATH=/usr/bin:/bin, LANG=C.UTF-8
///   on_error: fail                                  # or skip
/// ```
/// Standard input: `{"user_id":"42","username":"…","email":"…","is_staff":false,"is_superuser":false,"groups":[…]}`.
/// Standard output: one JSON object of claims. A non-zero exit status, a timeout or other output is a failure,
/// handled by `on_error`; standard error goes to the log with the failure.
public struct CommandClaimsProvider: ClaimsProvider {
    public static let summary = "runs an executable with the user as JSON on stdin; its stdout JSON object becomes claims"
    public static let optionKeys = ["command", "timeout", "max_output_bytes", "environment"]

    public static let defaultTimeout = TimeSpan.seconds(2)
    public static let timeoutRange = TimeSpan.milliseconds(1)...TimeSpan.seconds(60)
    public static let defaultMaxOutputBytes = 65_536
    public static let defaultEnvironment = [("PATH", "/usr/bin:/bin"), ("LANG", "C.UTF-8")]

    public let executable: String
    public let arguments: [String]
    public let timeout: TimeSpan
    public let maxOutputBytes: Int
    public let environment: [(String, String)]
    private let commandSite: OptionSite

    public init(options: ProviderOptions) throws(PluginError) {
        let argv = try options.required("command") { (key) throws(PluginError) in
            try options.stringList(key, expected: "a list: the executable's absolute path, then its arguments")
        }
        commandSite = options.site("command")
        for (index, word) in argv.enumerated() where word.utf8.contains(0) {
            throw options.error(.invalidValue, "command[\(index)]", "contains a NUL character")
        }
        guard argv[0].contains("/") else {
            throw options.error(.invalidValue, "command[0]", at: options.value("command")?.sequence?.first?.mark,
                                "\"\(argv[0])\" is not a path; give the executable's absolute path, such as "
                                + "/usr/lib/authd/claims-hook (authd runs no shell and searches no PATH)")
        }
        executable = Self.absolute(options.environment.resolve(argv[0]))
        arguments = Array(argv.dropFirst())
        timeout = try options.duration("timeout", in: Self.timeoutRange) ?? Self.defaultTimeout
        maxOutputBytes = try options.integer("max_output_bytes", in: 2...(16 << 20)) ?? Self.defaultMaxOutputBytes

        var environment = Self.defaultEnvironment
        for (name, value) in try options.stringMap("environment", expected: "a mapping of variable names to values") ?? [] {
            let valid = !name.isEmpty && !name.contains("=") && !name.utf8.contains(0) && !value.utf8.contains(0)
            guard valid else {
                throw options.error(.invalidValue, "environment.\(name)",
                                    "an environment variable needs a name without \"=\" and no NUL characters")
            }
            environment.removeAll { $0.0 == name }
            environment.append((name, value))
        }
        self.environment = environment
    }

    /// The executable must exist and be executable by this process (`check-config` runs as whoever calls it,
    /// so run it as the daemon's user to be sure).
    public func validate(_ environment: ProviderEnvironment) throws(PluginError) {
        var info = stat()
        guard stat(executable, &info) == 0 else {
            throw commandSite.error(.unavailable, "cannot use \(executable): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw commandSite.error(.unavailable, "\(executable) is not a regular file")
        }
        guard access(executable, X_OK) == 0 else {
            throw commandSite.error(.unavailable, "\(executable) is not executable: \(String(cString: strerror(errno)))")
        }
    }

    public func claims(for subject: ClaimsSubject) throws(ClaimsFailure) -> JSONObject {
        let user = subject.user
        let input: JSONObject = [
            "user_id": .string(String(user.id)),
            "username": .string(user.username),
            "email": .string(user.email),
            "is_staff": .bool(user.isStaff),
            "is_superuser": .bool(user.isSuperuser),
            "groups": .array(try subject.groups().map { .string($0) }),
        ]
        let process = Subprocess(executable: executable, arguments: arguments, environment: environment,
                                 timeout: timeout, maxOutputBytes: maxOutputBytes)
        let result = try process.run(input: JSON.serialize(input))
        let stderrNote = Self.excerpt(result.errorOutput).map { "; stderr: \($0)" } ?? ""
        switch result.termination {
        case .exited(0): break
        case .exited(let status):
            throw ClaimsFailure(.failed, "\(executable) exited with status \(status)\(stderrNote)")
        case .signaled(let signal):
            throw ClaimsFailure(.failed, "\(executable) was killed by signal \(signal)\(stderrNote)")
        }
        let parsed: JSONValue
        do {
            parsed = try JSON.parse(result.output)
        } catch {
            throw ClaimsFailure(.invalidOutput, "\(executable) printed no valid JSON (\(error.message)); "
                + "it must print one JSON object of claims\(stderrNote)")
        }
        guard case .object(let claims) = parsed else {
            throw ClaimsFailure(.invalidOutput, "\(executable) printed JSON that is not an object; "
                + "it must print one JSON object of claims, such as {\"role\":\"admin\"}")
        }
        return claims
    }

    /// The child starts in `/`, so a path relative to the working directory (settings given as `--config
    /// authd.yaml`) is made absolute now.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return directory == "/" ? "/" + relative : directory + "/" + relative
    }

    /// The first line of standard error, printable and short, for the log; nil when there is none.
    static func excerpt(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let printable = String(line.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) }.prefix(200))
        return printable.isEmpty ? nil : printable
    }
}
