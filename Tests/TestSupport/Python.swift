import Foundation

/// Runs Python snippets for interoperability tests (PyJWT, Django hashers…). Requirements live in
/// Tests/requirements.txt; a missing module makes the test fail with the pip command to fix it, never skip.
public enum Python {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public static var executable: String { ProcessInfo.processInfo.environment["AUTHD_TEST_PYTHON"] ?? "python3" }

    /// Runs `script` with `python3 -c`, feeding `stdin`.
    public static func run(script: String, stdin: [UInt8] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        let out = try TestProcess.run(executable, ["-c", script], stdin: stdin)
        return (out.status, out.stdoutText, out.stderrText)
    }

    /// Runs a script file's text as `python3 -c`, with `sys.argv` set to `[name] + arguments`.
    public static func run(scriptAt url: URL, arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let text = try String(contentsOf: url, encoding: .utf8)
        let quoted = ([url.deletingPathExtension().lastPathComponent] + arguments).map { argument in
            "'" + argument.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        return try run(script: "import sys; sys.argv = [\(quoted.joined(separator: ", "))]\n" + text)
    }

    /// Throws (so the calling test fails) unless every module imports; the message names the pip packages.
    public static func require(modules: [String], pipPackages: [String]) throws {
        let script = modules.map { "import \($0)" }.joined(separator: "\n")
        let result: (status: Int32, stdout: String, stderr: String)
        do {
            result = try run(script: script)
        } catch {
            throw Missing(description: "python3 is required for interoperability tests (\(error)); install it and run "
                + "`pip install \(pipPackages.joined(separator: " "))` (see Tests/requirements.txt)")
        }
        guard result.status == 0 else {
            throw Missing(description: "Python modules \(modules) are missing: run `pip install \(pipPackages.joined(separator: " "))` "
                + "(or `pip install -r Tests/requirements.txt`). Python said: \(result.stderr)")
        }
    }

    /// PyJWT (2.10 or later: the release whose claim checks authd mirrors, including `sub`/`jti` types) with
    /// the `cryptography` backend, which every JOSE interop test needs.
    public static func requirePyJWT() throws {
        try require(modules: ["jwt", "cryptography"], pipPackages: ["pyjwt", "cryptography"])
        let check = "import jwt, sys; v = tuple(int(x) for x in jwt.__version__.split('.')[:2]); "
            + "print(jwt.__version__); sys.exit(0 if v >= (2, 10) else 1)"
        let result = try run(script: check)
        guard result.status == 0 else {
            throw Missing(description: "PyJWT \(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) is too old "
                + "for the interop tests (\(executable)); run `pip install -U 'pyjwt>=2.10' cryptography` "
                + "(see Tests/requirements.txt). \(result.stderr)")
        }
    }
}
