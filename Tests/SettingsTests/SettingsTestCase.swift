import Foundation
import Settings
import TestSupport
import XCTest

/// Shared set-up: a temporary directory with a valid HMAC key, an RSA key pair file and fixture loading.
class SettingsTestCase: XCTestCase {
    var tmp: TemporaryDirectory!
    /// 32 bytes, the HS256 minimum, plus the newline an editor adds.
    let hmacSecret = "0123456789abcdef0123456789abcdef"

    override func setUpWithError() throws {
        tmp = try TemporaryDirectory(prefix: "authd-settings")
        try tmp.write("hs.key", hmacSecret + "\n")
        try tmp.write("rsa.pem", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")
        try tmp.write("rsa.pub", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n", mode: 0o644)
    }

    override func tearDown() {
        tmp = nil
    }

    /// The fixture's text with `@TMP@` replaced by the temporary directory.
    func fixture(_ name: String) throws -> String {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Fixtures"),
                                "missing fixture \(name).yaml")
        return try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "@TMP@", with: tmp.path)
    }

    /// Parses text as if it were the file `authd.yaml`, so messages read `authd.yaml:LINE:COLUMN: …`.
    func parse(_ yaml: String, options: SettingsLoader.Options = .init(),
               file: StaticString = #filePath, line: UInt = #line) throws -> AuthdSettings {
        switch SettingsLoader.parse(yaml: yaml, file: "authd.yaml", options: options) {
        case .success(let settings): return settings
        case .failure(let errors):
            XCTFail("unexpected errors:\n\(errors)", file: file, line: line)
            throw errors
        }
    }

    /// The full messages for settings text that must fail.
    func errors(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        switch SettingsLoader.parse(yaml: yaml, file: "authd.yaml") {
        case .success:
            XCTFail("expected errors, the settings were accepted", file: file, line: line)
            return []
        case .failure(let errors):
            XCTAssertEqual(errors.description, errors.errors.map(\.description).joined(separator: "\n"))
            return errors.errors.map(\.description)
        }
    }

    /// Compares line by line so a failure shows exactly which message differs.
    func assertMessages(_ actual: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "got:\n" + actual.joined(separator: "\n"), file: file, line: line)
        for (index, (got, want)) in zip(actual, expected).enumerated() where got != want {
            XCTFail("message \(index):\n got: \(got)\nwant: \(want)", file: file, line: line)
        }
    }
}
