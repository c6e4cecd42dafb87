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
        let line = Array("<\(level.rawValue)>\(message())\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
