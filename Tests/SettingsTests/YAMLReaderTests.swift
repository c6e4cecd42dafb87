import Foundation
import Settings
import XCTest

final class YAMLReaderTests: SettingsTestCase {
    private func read(_ yaml: String) throws -> YAMLNode? {
        try YAMLReader.parse(yaml: yaml, file: "t.yaml").get()
    }

    private func readErrors(_ yaml: String) -> [String] {
        guard case .failure(let failure) = YAMLReader.parse(yaml: yaml, file: "t.yaml") else {
            XCTFail("accepted:\n\(yaml)")
            return []
        }
        return failure.errors.map(\.description)
    }

    func testTreeKeepsPositionsAndQuoting() throws {
        let root = try XCTUnwrap(try read("a: 1\nb:\n  - x\n  - \"y\"\n  - 'null'\n  - null\n"))
        XCTAssertEqual(root.mark, SourceMark(file: "t.yaml", line: 1, column: 1))
        XCTAssertEqual(root["a"]?.scalar, "1")
        XCTAssertEqual(root["a"]?.mark, SourceMark(file: "t.yaml", line: 1, column: 4))
        let items = try XCTUnwrap(root["b"]?.sequence)
        XCTAssertEqual(items.map(\.mark.line), [3, 4, 5, 6])
        XCTAssertEqual(items.map(\.isPlainScalar), [true, false, false, true])
        XCTAssertEqual(items.map(\.isNull), [false, false, false, true], "only unquoted null is null")
        XCTAssertEqual(root.description, #"{a: 1, b: [x, "y", "null", null]}"#)
    }

    func testNullSpellings() throws {
        let root = try XCTUnwrap(try read("a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nil\ng: ''\n"))
        let nulls = ["a", "b", "c", "d", "e", "f", "g"].map { root[$0]?.isNull }
        XCTAssertEqual(nulls, [true, true, true, true, true, false, false])
    }

    func testEmptyStreamHasNoRoot() throws {
        XCTAssertNil(try read(""))
        XCTAssertNil(try read("# nothing\n"))
    }

    func testStringTagActsLikeQuotes() throws {
        let root = try XCTUnwrap(try read("a: !!str true\n"))
        XCTAssertEqual(root["a"]?.isPlainScalar, false)
    }

    func testOtherTagsAreRefused() {
        XCTAssertEqual(readErrors("a: !!binary aGk=\nb: !custom x\n"), [
            "t.yaml:1:4: a: YAML tag !!binary is not supported; remove it",
            "t.yaml:2:4: b: YAML tag !custom is not supported; remove it",
        ])
    }

    func testDuplicateKeysAreRefused() {
        XCTAssertEqual(readErrors("SIMPLE_JWT:\n  ALGORITHM: HS256\n  ALGORITHM: RS256\nlisten: []\nlisten: []\n"), [
            "t.yaml:3:3: SIMPLE_JWT.ALGORITHM: duplicate key \"ALGORITHM\" (first set at line 2, column 3); keep only one",
            "t.yaml:5:1: listen: duplicate key \"listen\" (first set at line 4, column 1); keep only one",
        ])
    }

    func testNonScalarKeysAreRefused() {
        XCTAssertEqual(readErrors("? [a, b]\n: 1\nx:\n  {k: v}: 2\n"), [
            "t.yaml:1:3: mapping keys must be plain names, not a list",
            "t.yaml:4:3: x: mapping keys must be plain names, not a mapping",
        ])
    }

    func testSeveralDocumentsAreRefused() {
        XCTAssertEqual(readErrors("a: 1\n---\nb: 2\n"), [
            #"t.yaml:2:1: a settings file holds one YAML document; remove the second "---" and what follows"#,
        ])
    }

    func testAliasesAreResolved() throws {
        let root = try XCTUnwrap(try read("base: &b {x: 1}\ncopy: *b\n"))
        XCTAssertEqual(root["copy"]?["x"]?.scalar, "1")
    }

    func testUnknownAliasIsRefused() {
        XCTAssertEqual(readErrors("a: *nope\n"), ["t.yaml:1:4: a: alias *nope refers to no anchor defined before it"])
    }

    func testStoppedReadingReportsOnlyTheYAMLProblem() {
        XCTAssertEqual(errors("SIMPLE_JWT: *nope\n"), ["authd.yaml:1:13: SIMPLE_JWT: alias *nope refers to no anchor defined before it"])
    }

    func testDuplicateKeysDoNotHideOtherErrors() {
        XCTAssertEqual(errors("SIMPLE_JWT:\n  ALGORITHM: none\n  ALGORITHM: HS256\n  SIGNING_KEY: \(hmacSecret)\n"), [
            #"authd.yaml:2:3: SIMPLE_JWT.ALGORITHM: "none" is refused: unsigned tokens can be forged by anyone; use HS256 or another signing algorithm"#,
            #"authd.yaml:3:3: SIMPLE_JWT.ALGORITHM: duplicate key "ALGORITHM" (first set at line 2, column 3); keep only one"#,
        ])
    }

    func testBillionLaughsIsRefused() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(refs)]\n"
        }
        let messages = readErrors(yaml)
        XCTAssertEqual(messages.count, 1)
        XCTAssertTrue(messages.first?.hasSuffix("aliases expand to more than 10000 values; write the values out") ?? false,
                      "\(messages)")
    }

    func testDeepNestingIsRefusedWithoutRecursion() {
        let yaml = "a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        let messages = readErrors(yaml)
        XCTAssertEqual(messages.count, 1)
        XCTAssertTrue(messages.first?.hasSuffix("values are nested more than 64 levels deep; flatten them") ?? false,
                      "\(messages)")
    }

    func testSyntaxErrorsUseLibYAMLPositionsAndText() {
        XCTAssertEqual(readErrors("a: [1, 2\n"), [
            "t.yaml:2:1: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 4)",
        ])
        XCTAssertEqual(readErrors("a: \"open\n"), [
            "t.yaml:2:1: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)",
        ])
        XCTAssertEqual(readErrors("a:\n\tb: 1\n"), [
            "t.yaml:2:1: YAML syntax error: found character that cannot start any token (while scanning for the next token at line 2, column 1)",
        ])
    }

    func testUnquotedIPv6ListenAddressIsASyntaxError() {
        XCTAssertEqual(errors("listen:\n  - tcp: [::1]:8000\n"), [
            "authd.yaml:2:11: YAML syntax error: did not find expected node content (while parsing a flow node at line 2, column 11)",
        ])
    }

    func testInvalidUTF8IsReported() {
        let bytes: [UInt8] = Array("a: 1\nb: ".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
        // A Swift String would repair the bytes (U+FFFD), so go through a file to hand libyaml the raw bytes.
        let path = tmp.path + "/bad.yaml"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        guard case .failure(let failure) = SettingsLoader.load(path: path) else { return XCTFail("accepted invalid UTF-8") }
        XCTAssertEqual(failure.errors.map(\.code), [.syntax])
        XCTAssertEqual(failure.errors.first?.mark?.line, 2)
        XCTAssertTrue(failure.description.hasSuffix("save the file as UTF-8 text"), failure.description)
    }
}
