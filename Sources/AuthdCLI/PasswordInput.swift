#if canImport(Glibc)
import Glibc
#endif

/// Reads a new password from standard input (`--password-stdin`) or from the terminal without echo.
/// Never from argv: arguments are visible to every user through /proc.
enum PasswordInput {
    static func read(fromStdin: Bool, confirm: Bool) throws(CLIError) -> [UInt8] {
        let password: [UInt8]
        if fromStdin {
            password = readStdinLine()
        } else {
            guard isatty(STDIN_FILENO) == 1 else {
                throw .usage("standard input is not a terminal: pass the password with --password-stdin")
            }
            password = try prompt("Password: ")
            if confirm {
                guard try prompt("Password (again): ") == password else {
                    throw .failure("the two passwords differ; nothing was changed")
                }
            }
        }
        guard !password.isEmpty else { throw .failure("the password may not be empty") }
        return password
    }

    /// One line; the trailing newline (and a CR before it) removed.
    private static func readStdinLine() -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let c = getchar()
            if c == EOF || c == 10 { break }
            bytes.append(UInt8(truncatingIfNeeded: c))
        }
        if bytes.last == 13 { bytes.removeLast() }
        return bytes
    }

    private static func prompt(_ text: String) throws(CLIError) -> [UInt8] {
        Console.error(text)
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw .failure("cannot read the terminal settings") }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            Console.error("\n")
        }
        return readStdinLine()
    }
}
