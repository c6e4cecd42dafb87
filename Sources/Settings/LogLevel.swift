/// Log verbosity, ordered: a message is written when its level is at least the configured one.
public struct LogLevel: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let name: String
    private let rank: Int

    private init(_ name: String, _ rank: Int) {
        self.name = name
        self.rank = rank
    }

    public static let debug = LogLevel("debug", 0)
    public static let info = LogLevel("info", 1)
    public static let warning = LogLevel("warning", 2)
    public static let error = LogLevel("error", 3)
    public static let all: [LogLevel] = [.debug, .info, .warning, .error]

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }

    public var description: String { name }
}
