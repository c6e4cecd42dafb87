#if canImport(Glibc)
import Glibc
#endif

/// Standard error for messages and prompts (standard output stays for results that scripts read).
enum Console {
    static func error(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
