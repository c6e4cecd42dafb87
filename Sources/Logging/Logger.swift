#if canImport(Glibc)
import Glibc
#endif

/// Line-oriented logging to standard error, which systemd's journal captures with the priority prefix
/// (`<3>` error … `<7>` debug) so `journalctl -p warning` filters work. With `format: .json` each line is one JSON
/// object (`{"level":"info","message":"…"}`, structured events with their own fields) for log shippers; the
/// priority prefix is then written only when standard error is the journal (`JOURNAL_STREAM`), which strips it.
///
/// Every value is escaped: a control character from a client (a newline in a jti, an escape sequence in a username)
/// can never start a forged line.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case debug = 7, info = 6, notice = 5, warning = 4, error = 3

        /// The name the settings file uses (`logging.level`).
        public var name: String {
            switch self {
            case .debug: return "debug"
            case .info: return "info"
            case .notice: return "notice"
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

    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    /// A field of a structured event.
    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)
    }

    public let threshold: Level
    public let format: Format
    private let prefixed: Bool

    public init(level: Level, format: Format = .text) {
        threshold = level
        self.format = format
        prefixed = format == .text || getenv("JOURNAL_STREAM") != nil
    }

    public func debug(_ message: @autoclosure () -> String) { write(.debug, message) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    public func error(_ message: @autoclosure () -> String) { write(.error, message) }

    /// A structured event: `name key=value …` as text, `{"level":…,"event":name,key:value…}` as JSON.
    public func event(_ level: Level, _ name: String, _ fields: [(String, Value)]) {
        guard level >= threshold else { return }
        emit(render(level, event: name, message: nil, fields: fields))
    }

    private func write(_ level: Level, _ message: () -> String) {
        guard level >= threshold else { return }
        emit(render(level, event: nil, message: message(), fields: []))
    }

    /// One line, prefix and newline included.
    func render(_ level: Level, event: String?, message: String?, fields: [(String, Value)]) -> [UInt8] {
        var line = prefixed ? Array("<\(level.rawValue)>".utf8) : []
        switch format {
        case .text:
            if let event { line += Array("audit: \(event)".utf8) }
            if let message { Logger.appendEscaped(message, to: &line) }
            for (key, value) in fields {
                line += Array(" \(key)=".utf8)
                switch value {
                case .string(let text):
                    line.append(UInt8(ascii: "\""))
                    Logger.appendEscaped(text, to: &line, quote: true)
                    line.append(UInt8(ascii: "\""))
                case .int(let number): line += Array(String(number).utf8)
                case .bool(let flag): line += Array(String(flag).utf8)
                }
            }
        case .json:
            var pairs: [(String, Value)] = [("level", .string(level.name))]
            if let event { pairs.append(("event", .string(event))) }
            if let message { pairs.append(("message", .string(message))) }
            pairs += fields
            line.append(UInt8(ascii: "{"))
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                Logger.appendJSONString(key, to: &line)
                line.append(UInt8(ascii: ":"))
                switch value {
                case .string(let text): Logger.appendJSONString(text, to: &line)
                case .int(let number): line += Array(String(number).utf8)
                case .bool(let flag): line += Array(String(flag).utf8)
                }
            }
            line.append(UInt8(ascii: "}"))
        }
        line.append(0x0A)
        return line
    }

    private func emit(_ line: [UInt8]) {
        // One write(2) per line, so lines from concurrent threads never interleave.
        _ = line.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `text` with every control character escaped (`\n`, `\r`, `\t`, `\x1b`…) and backslashes doubled;
    /// with `quote`, double quotes too (a quoted text value).
    public static func appendEscaped(_ text: String, to line: inout [UInt8], quote: Bool = false) {
        for byte in text.utf8 {
            switch byte {
            case 0x0A: line += [0x5C, UInt8(ascii: "n")]
            case 0x0D: line += [0x5C, UInt8(ascii: "r")]
            case 0x09: line += [0x5C, UInt8(ascii: "t")]
            case 0x5C: line += [0x5C, 0x5C]
            case 0x22 where quote: line += [0x5C, 0x22]
            case 0..<0x20, 0x7F: line += [0x5C, UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: line.append(byte)
            }
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (`\u001b`).
    static func appendJSONString(_ text: String, to line: inout [UInt8]) {
        line.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: line += [0x5C, 0x22]
            case 0x5C: line += [0x5C, 0x5C]
            case 0x0A: line += [0x5C, UInt8(ascii: "n")]
            case 0x0D: line += [0x5C, UInt8(ascii: "r")]
            case 0x09: line += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                line += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: line.append(byte)
            }
        }
        line.append(0x22)
    }
}
