#if canImport(Glibc)
import Glibc
#endif

/// Line-oriented logging to standard error, which systemd's journal captures with the priority prefix
/// (`<3>` error … `<7>` debug) so `journalctl -p warning` filters work.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case debug = 7, info = 6, warning = 4, error = 3

        /// The name the settings file uses (`logging.level`).
        public var name: String {
            switch self {
            case .debug: return "debug"
            case .info: return "info"
            case .warning: return "warning"
            case .error: return "error"
            }
        }

        public var description: String { name }

        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name }) else { return nil }
            self = level
        }

        public static func < (a: Level, b: Level) -> Bool { a.rawValue > b.rawValue }
    }

    public let threshold: Level

    public init(level: Level) { threshold = level }

    public func debug(_ message: @autoclosure () -> String) { write(.debug, message) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    public func error(_ message: @autoclosure () -> String) { write(.error, message) }

    private func write(_ level: Level, _ message: () -> String) {
        guard level >= threshold else { return }
        // One write(2) per line, so lines from concurrent threads never interleave.
        var line = Array("<\(level.rawValue)>".utf8)
        Logger.appendEscaped(message(), to: &line)
        line.append(0x0A)
        _ = line.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Appends `text` with every control character escaped (`\n`, `\r`, `\t`, `\x1b`…): a value that came from a
    /// client (a jti, a username) can never start a forged line, nor carry a priority prefix or a terminal escape.
    public static func appendEscaped(_ text: String, to line: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case 0x0A: line += [0x5C, UInt8(ascii: "n")]
            case 0x0D: line += [0x5C, UInt8(ascii: "r")]
            case 0x09: line += [0x5C, UInt8(ascii: "t")]
            case 0x5C: line += [0x5C, 0x5C]
            case 0..<0x20, 0x7F: line += [0x5C, UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: line.append(byte)
            }
        }
    }
}
