import Glibc

/// The IMF-fixdate for the Date header ("Sun, 06 Nov 1994 08:49:37 GMT"), recomputed at most once a second
/// per event loop, so it costs nothing per response.
struct HTTPDate {
    private var second = -1
    private(set) var bytes: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func current() -> [UInt8] {
        var now = time(nil)
        if now == second { return bytes }
        second = now
        var parts = tm()
        guard gmtime_r(&now, &parts) != nil else { return bytes }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = Self.days[Int(max(0, min(6, parts.tm_wday)))]
        let month = Self.months[Int(max(0, min(11, parts.tm_mon)))]
        let text = "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        bytes = Array(text.utf8)
        return bytes
    }
}
