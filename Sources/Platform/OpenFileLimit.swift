import Glibc

/// The process's limit on open descriptors. Each connection is one: systemd's default soft limit (1024) would
/// cap a daemon configured for 10,000 connections far below that, while the hard limit is usually much higher.
public enum OpenFileLimit {
    /// Raises the soft limit towards `wanted` (never above the hard limit); answers the limit in force.
    @discardableResult
    public static func raise(toAtLeast wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let target = min(limit.rlim_max, rlim_t(max(0, wanted)))
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }
}
