import Settings
import TestSupport
import XCTest

/// Bad input never crashes: thousands of damaged variants of a full settings file each load or fail with
/// positioned errors that stay inside the file.
final class MutationTests: SettingsTestCase {

    func testDamagedFilesFailCleanly() throws {
        let original = Array(try fixture("valid/full").utf8)
        let alphabet = Array(" :-[]{}#&*!|>'\"\n\t0aZ%@,?~".utf8)
        var random = SplitMix64(seed: 42)
        var failures = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = alphabet.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: index)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            if case .failure(let errors) = SettingsLoader.parse(yaml: text, file: "m.yaml") {
                failures += 1
                XCTAssertFalse(errors.errors.isEmpty)
                for error in errors.errors {
                    XCTAssertFalse(error.message.isEmpty)
                    if let mark = error.mark {
                        XCTAssertTrue((1...lines + 1).contains(mark.line), "\(error) outside \(lines) lines")
                        XCTAssertGreaterThanOrEqual(mark.column, 1)
                    }
                }
            }
        }
        XCTAssertGreaterThan(failures, 1000, "mutations should mostly break the file")
    }
}
