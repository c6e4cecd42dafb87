import Settings
import XCTest

/// Bad input never crashes: thousands of damaged variants of a full settings file each load or fail with
/// positioned errors that stay inside the file.
final class MutationTests: SettingsTestCase {
    /// A fixed-seed generator so a failure reproduces.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testDamagedFilesFailCleanly() throws {
        let original = Array(try fixture("valid/full").utf8)
        let alphabet = Array(" :-[]{}#&*!|>'\"\n\t0aZ%@,?~".utf8)
        var random = SplitMix(state: 42)
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
