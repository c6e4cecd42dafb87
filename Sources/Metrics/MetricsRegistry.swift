import Synchronization

/// The process's metrics, exposed in the Prometheus text format (version 0.0.4). Registration takes a lock and
/// happens at start-up and on reload; recording into a `Counter` or `Histogram` never does. Asking twice for the
/// same name and labels answers the same object, so counters survive a reload that rebuilds their users.
public final class MetricsRegistry: Sendable {
    public typealias Labels = [(name: String, value: String)]

    private enum Kind: String {
        case counter, gauge, histogram
    }

    private enum Series {
        case counter(Counter)
        case histogram(Histogram)
        case gauge(@Sendable () -> Double)
    }

    private struct Family {
        let name: String
        let help: String
        let kind: Kind
        var series: [(labels: String, value: Series)] = []
    }

    private let families = Mutex<[Family]>([])

    public init() {}

    /// The counter `name{labels}`, created at the first call.
    public func counter(_ name: String, help: String, labels: Labels = []) -> Counter {
        let made = series(name, help: help, kind: .counter, labels: labels) { .counter(Counter()) }
        guard case .counter(let counter) = made else { preconditionFailure("\(name) is not a counter") }
        return counter
    }

    /// The histogram `name{labels}` (exposed in seconds), created at the first call.
    public func histogram(_ name: String, help: String, labels: Labels = [],
                          bounds: [UInt64] = Histogram.latencyBounds) -> Histogram {
        let made = series(name, help: help, kind: .histogram, labels: labels) { .histogram(Histogram(bounds: bounds)) }
        guard case .histogram(let histogram) = made else { preconditionFailure("\(name) is not a histogram") }
        return histogram
    }

    /// A gauge read when the metrics are exposed; registering the same name and labels again replaces the reader
    /// (a restarted component registers its new state).
    public func gauge(_ name: String, help: String, labels: Labels = [], read: @escaping @Sendable () -> Double) {
        let key = Self.render(labels)
        families.withLock { families in
            let index = Self.family(name, help: help, kind: .gauge, in: &families)
            if let existing = families[index].series.firstIndex(where: { $0.labels == key }) {
                families[index].series[existing].value = .gauge(read)
            } else {
                families[index].series.append((key, .gauge(read)))
            }
        }
    }

    private func series(_ name: String, help: String, kind: Kind, labels: Labels, make: () -> Series) -> Series {
        let key = Self.render(labels)
        return families.withLock { families in
            let index = Self.family(name, help: help, kind: kind, in: &families)
            if let existing = families[index].series.first(where: { $0.labels == key }) { return existing.value }
            let made = make()
            families[index].series.append((key, made))
            return made
        }
    }

    private static func family(_ name: String, help: String, kind: Kind, in families: inout [Family]) -> Int {
        if let index = families.firstIndex(where: { $0.name == name }) {
            precondition(families[index].kind == kind, "metric \(name) registered as \(families[index].kind) and \(kind)")
            return index
        }
        families.append(Family(name: name, help: help, kind: kind))
        return families.count - 1
    }

    // MARK: Exposition

    /// The `Content-Type` of `exposition()`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every family in registration order, series in registration order.
    public func exposition() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for family in snapshot {
            out += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n# TYPE \(family.name) \(family.kind.rawValue)\n"
            for (labels, value) in family.series {
                switch value {
                case .counter(let counter):
                    out += "\(family.name)\(Self.braced(labels)) \(counter.value)\n"
                case .gauge(let read):
                    out += "\(family.name)\(Self.braced(labels)) \(Self.number(read()))\n"
                case .histogram(let histogram):
                    let (cumulative, sum, count) = histogram.snapshot()
                    for (index, bound) in histogram.bounds.enumerated() {
                        let le = "le=\"\(Self.number(Double(bound) / 1e9))\""
                        out += "\(family.name)_bucket{\(labels.isEmpty ? le : labels + "," + le)} \(cumulative[index])\n"
                    }
                    let inf = "le=\"+Inf\""
                    out += "\(family.name)_bucket{\(labels.isEmpty ? inf : labels + "," + inf)} \(count)\n"
                    out += "\(family.name)_sum\(Self.braced(labels)) \(Self.number(Double(sum) / 1e9))\n"
                    out += "\(family.name)_count\(Self.braced(labels)) \(count)\n"
                }
            }
        }
        return out
    }

    private static func braced(_ labels: String) -> String { labels.isEmpty ? "" : "{\(labels)}" }

    static func render(_ labels: Labels) -> String {
        labels.map { "\($0.name)=\"\(escapeLabel($0.value))\"" }.joined(separator: ",")
    }

    /// Label values escape backslash, double quote and line feed; HELP text only backslash and line feed.
    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func escapeHelp(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    /// Integers without a fraction, others in Swift's shortest round-trip form; Prometheus parses both.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
