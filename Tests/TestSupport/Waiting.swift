import Foundation

/// Polls `condition` until it holds or `timeout` seconds have passed, and returns whether it held — for states that
/// announce themselves with no event a test can block on (a server freeing a connection slot, the clock passing a
/// second, a port becoming free). Prefer waiting on the event itself when there is one (`TestProcess.Running.wait`).
/// The interval starts at 1 ms and doubles up to 50 ms, so a quick condition costs almost nothing.
public func waitUntil(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var interval: TimeInterval = 0.001
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: min(interval, max(0, deadline.timeIntervalSinceNow)))
        interval = min(interval * 2, 0.05)
    }
}
