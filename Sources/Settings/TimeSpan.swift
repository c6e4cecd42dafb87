/// A length of time with millisecond precision, as written in the settings file (`15m`, `1h30m`, `500ms`, `90`).
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public var seconds: Double { Double(milliseconds) / 1000 }
    /// Whole seconds, rounded down; JWT `exp`/`iat` are integer seconds.
    public var wholeSeconds: Int64 { milliseconds / 1000 }

    public static let zero = TimeSpan(milliseconds: 0)
    public static func milliseconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value) }
    public static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value * 1000) }
    public static func minutes(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value * 60_000) }
    public static func hours(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value * 3_600_000) }
    public static func days(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value * 86_400_000) }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// The longest duration accepted: 100 years, far beyond any sane lifetime, far below Int64 overflow
    /// when added to a Unix time in milliseconds.
    public static let maximum = TimeSpan(milliseconds: 100 * 365 * 86_400_000)

    /// Parses `15m`, `7d`, `2w`, `1h30m`, `1.5h`, `90s`, `500ms`, or a plain number of seconds (`300`, `0.25`).
    /// A leading `-` is accepted so callers can say "must not be negative" instead of "not a duration".
    /// Returns nil for anything else, for sub-millisecond precision and beyond `maximum`.
    public init?(_ text: String) {
        guard case .success(let span) = TimeSpan.parse(text) else { return nil }
        self = span
    }

    enum ParseFailure: Error { case notADuration, subMillisecond, tooLong }

    static func parse(_ text: String) -> Result<TimeSpan, ParseFailure> {
        var chars = Array(text.utf8.filter { $0 != UInt8(ascii: " ") })
        var negative = false
        if chars.first == UInt8(ascii: "-") {
            negative = true
            chars.removeFirst()
        } else if chars.first == UInt8(ascii: "+") {
            chars.removeFirst()
        }
        guard !chars.isEmpty else { return .failure(.notADuration) }
        let units: [(name: String, ms: Int64)] = [
            ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
        ]
        var total: Int64 = 0
        var index = 0
        var lastUnit = -1
        var sawUnit = false
        while index < chars.count {
            guard let (whole, fraction, end) = scanNumber(chars, from: index) else { return .failure(.notADuration) }
            index = end
            var unitEnd = index
            while unitEnd < chars.count, chars[unitEnd] >= UInt8(ascii: "a"), chars[unitEnd] <= UInt8(ascii: "z") {
                unitEnd += 1
            }
            let unitName = String(decoding: chars[index..<unitEnd], as: UTF8.self)
            let unitMs: Int64
            if unitName.isEmpty {
                // A bare number is seconds, and only on its own: "1h30" is ambiguous.
                guard !sawUnit, unitEnd == chars.count else { return .failure(.notADuration) }
                unitMs = 1000
            } else {
                // Units must appear largest first and once each, as people write them.
                guard let position = units.firstIndex(where: { $0.name == unitName }), position > lastUnit else {
                    return .failure(.notADuration)
                }
                lastUnit = position
                sawUnit = true
                unitMs = units[position].ms
            }
            index = unitEnd
            switch component(whole: whole, fraction: fraction, unitMs: unitMs) {
            case .failure(let failure): return .failure(failure)
            case .success(let ms):
                let (sum, overflow) = total.addingReportingOverflow(ms)
                guard !overflow, sum <= maximum.milliseconds else { return .failure(.tooLong) }
                total = sum
            }
        }
        return .success(TimeSpan(milliseconds: negative ? -total : total))
    }

    /// Scans `123`, `1.5` or `.5`; returns the digits before and after the point.
    private static func scanNumber(_ chars: [UInt8], from start: Int) -> (whole: [UInt8], fraction: [UInt8], end: Int)? {
        var index = start
        var whole: [UInt8] = []
        var fraction: [UInt8] = []
        while index < chars.count, isDigit(chars[index]) || chars[index] == UInt8(ascii: "_") {
            if chars[index] != UInt8(ascii: "_") { whole.append(chars[index]) }
            index += 1
        }
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            while index < chars.count, isDigit(chars[index]) {
                fraction.append(chars[index])
                index += 1
            }
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        return (whole, fraction, index)
    }

    private static func component(whole: [UInt8], fraction: [UInt8], unitMs: Int64) -> Result<Int64, ParseFailure> {
        var value: Int64 = 0
        for digit in whole {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !o1, !o2 else { return .failure(.tooLong) }
            value = plus
        }
        let (ms, overflow) = value.multipliedReportingOverflow(by: unitMs)
        guard !overflow else { return .failure(.tooLong) }
        // The fraction must come out in whole milliseconds: numerator = 0.fraction * unitMs * 10^n.
        var numerator: Int64 = 0
        var denominator: Int64 = 1
        for digit in fraction.prefix(9) {
            numerator = numerator * 10 + Int64(digit - UInt8(ascii: "0"))
            denominator *= 10
        }
        if fraction.count > 9, fraction.dropFirst(9).contains(where: { $0 != UInt8(ascii: "0") }) {
            return .failure(.subMillisecond)
        }
        let (scaled, o3) = numerator.multipliedReportingOverflow(by: unitMs)
        guard !o3 else { return .failure(.tooLong) }
        guard scaled % denominator == 0 else { return .failure(.subMillisecond) }
        let (sum, o4) = ms.addingReportingOverflow(scaled / denominator)
        guard !o4 else { return .failure(.tooLong) }
        return .success(sum)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The shortest settings-file spelling, e.g. `1h30m`, `500ms`, `0s`.
    public var description: String {
        guard milliseconds != 0 else { return "0s" }
        var rest = milliseconds.magnitude
        var text = milliseconds < 0 ? "-" : ""
        for (name, size) in [("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] as [(String, UInt64)] {
            if rest >= size {
                text += "\(rest / size)\(name)"
                rest %= size
            }
        }
        return text
    }
}
