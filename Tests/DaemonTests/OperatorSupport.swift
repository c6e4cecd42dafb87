import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What the reload, rotation and metrics tests share: editing the fixture's settings, SIGHUP, and waiting for the
/// daemon's reload lines.
extension DaemonFixture {
    func settingsText() throws -> String { try String(contentsOfFile: configPath, encoding: .utf8) }

    func writeSettings(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Replaces `old` in the settings file (which must contain it) and appends `append`.
    func editSettings(replacing old: String = "", with new: String = "", append: String = "") throws {
        var text = try settingsText()
        if !old.isEmpty {
            guard text.contains(old) else { throw ClientError("the settings file has no \(old.debugDescription)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try writeSettings(text + append)
    }

    /// Sends SIGHUP and waits for the reload's outcome line (the `count`-th reload line of this run); answers it.
    @discardableResult
    func reload(expectSuccess: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let before = reloadLines().count
        guard let pid else { throw ClientError("authd serve is not running") }
        kill(pid, SIGHUP)
        guard waitUntil(timeout: 20, { reloadLines().count > before }) else {
            throw ClientError("no reload line after SIGHUP:\n\(log)")
        }
        let outcome = reloadLines()[before]
        XCTAssertEqual(outcome.hasPrefix("reload: new settings serve"), expectSuccess, outcome, file: file, line: line)
        return outcome
    }

    /// Lines that end a reload, in order ("reload: new settings serve…" or "reload failed…").
    func reloadLines() -> [String] {
        log.split(separator: "\n").map { String($0.drop { $0 != ">" }.dropFirst()) }
            .filter { $0.hasPrefix("reload: new settings serve") || $0.hasPrefix("reload failed") }
    }
}
