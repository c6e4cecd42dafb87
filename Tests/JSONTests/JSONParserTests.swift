import JSON
import TestSupport
import XCTest

final class JSONParserTests: XCTestCase {
    func testValidDocuments() throws {
        XCTAssertEqual(try JSON.parse("null"), .null)
        XCTAssertEqual(try JSON.parse(" true "), .bool(true))
        XCTAssertEqual(try JSON.parse("false"), .bool(false))
        XCTAssertEqual(try JSON.parse("0"), .int(0))
        XCTAssertEqual(try JSON.parse("-0"), .int(0))
        XCTAssertEqual(try JSON.parse("-12"), .int(-12))
        XCTAssertEqual(try JSON.parse("9223372036854775807"), .int(Int64.max))
        XCTAssertEqual(try JSON.parse("-9223372036854775808"), .int(Int64.min))
        XCTAssertEqual(try JSON.parse("9223372036854775808"), .double(9223372036854775808.0))
        XCTAssertEqual(try JSON.parse("1.5"), .double(1.5))
        XCTAssertEqual(try JSON.parse("1E2"), .double(100))
        XCTAssertEqual(try JSON.parse("2.5e+3"), .double(2500))
        XCTAssertEqual(try JSON.parse("1e-7"), .double(1e-7))
        XCTAssertEqual(try JSON.parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\""), .string("a\"\\/\u{8}\u{c}\n\r\t"))
        XCTAssertEqual(try JSON.parse("[1,\t2 ,\r\n3]"), .array([1, 2, 3]))
        XCTAssertEqual(try JSON.parse("{\"a\" :1 , \"b\" : [] }"), .object(["a": 1, "b": .array([])]))
        XCTAssertEqual(try JSON.parse("{}"), .object(JSONObject()))
        XCTAssertEqual(try JSON.parse(Array("[{\"x\":{\"y\":null}}]".utf8)), .array([.object(["x": .object(["y": .null])])]))
    }

    func testUnicode() throws {
        XCTAssertEqual(try JSON.parse("\"\\u00e9\""), .string("é"))
        XCTAssertEqual(try JSON.parse("\"é😀\""), .string("é😀"))
        XCTAssertEqual(try JSON.parse("\"\\uD83D\\uDE00\""), .string("😀"))
        XCTAssertEqual(try JSON.parse("\"\\u0000\""), .string("\u{0}"))
        XCTAssertEqual(try JSON.parse("\"\u{7f}\""), .string("\u{7f}"))
        // Position counting is in characters, not bytes.
        XCTAssertEqual(message { try JSON.parse("\"é\" x") }, "Extra data: line 1 column 5 (char 4)")
        XCTAssertEqual(message { try JSON.parse("\"😀😀\" x") }, "Extra data: line 1 column 6 (char 5)")
    }

    func testDuplicateKeysLastWinsFirstPositionKept() throws {
        let v = try JSON.parse("{\"a\":1,\"b\":2,\"a\":3}")
        let o = try XCTUnwrap(v.objectValue)
        XCTAssertEqual(o.keys, ["a", "b"])
        XCTAssertEqual(o["a"], .int(3))
    }

    /// Expected messages were produced by CPython 3.11's `json.loads` (and DRF's strict_constant / UTF-8 decoding).
    func testErrorMessagesMatchPython() {
        let cases: [(String, String)] = [
            ("", "Expecting value: line 1 column 1 (char 0)"),
            ("  ", "Expecting value: line 1 column 3 (char 2)"),
            ("{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
            ("{1:2}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
            ("{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
            ("{\"a\"", "Expecting ':' delimiter: line 1 column 5 (char 4)"),
            ("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"),
            ("{\"a\":", "Expecting value: line 1 column 6 (char 5)"),
            ("{\"a\":1", "Expecting ',' delimiter: line 1 column 7 (char 6)"),
            ("{\"a\":1 x", "Expecting ',' delimiter: line 1 column 8 (char 7)"),
            ("[", "Expecting value: line 1 column 2 (char 1)"),
            ("[1", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
            ("[1 2", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
            ("[1,2", "Expecting ',' delimiter: line 1 column 5 (char 4)"),
            ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
            ("[1.]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
            ("[-]", "Expecting value: line 1 column 2 (char 1)"),
            ("[1,\n 2 x]", "Expecting ',' delimiter: line 2 column 4 (char 7)"),
            ("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"),
            ("\"\\", "Unterminated string starting at: line 1 column 1 (char 0)"),
            ("\"a\u{1}\"", "Invalid control character at: line 1 column 3 (char 2)"),
            ("\"a\nb\"", "Invalid control character at: line 1 column 3 (char 2)"),
            ("\"\\q\"", "Invalid \\escape: line 1 column 2 (char 1)"),
            ("\"a\\x01\"", "Invalid \\escape: line 1 column 3 (char 2)"),
            ("\"\\u12\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
            ("\"\\u12zz\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
            ("\"\\u", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
            ("1 2", "Extra data: line 1 column 3 (char 2)"),
            ("01", "Extra data: line 1 column 2 (char 1)"),
            ("1.", "Extra data: line 1 column 2 (char 1)"),
            ("1e", "Extra data: line 1 column 2 (char 1)"),
            ("{\"a\":1}\n\n }", "Extra data: line 3 column 2 (char 10)"),
            ("-", "Expecting value: line 1 column 1 (char 0)"),
            ("tru", "Expecting value: line 1 column 1 (char 0)"),
            ("nul", "Expecting value: line 1 column 1 (char 0)"),
            ("\n\n  x", "Expecting value: line 3 column 3 (char 4)"),
            ("\u{a0} 1", "Expecting value: line 1 column 1 (char 0)"),
            ("\u{feff}1", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
            ("NaN", "Out of range float values are not JSON compliant: 'NaN'"),
            ("[Infinity]", "Out of range float values are not JSON compliant: 'Infinity'"),
            ("-Infinity", "Out of range float values are not JSON compliant: '-Infinity'"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(message { try JSON.parse(input) }, expected, "input: \(input.debugDescription)")
        }
    }

    func testInvalidUTF8MessagesMatchPython() {
        let cases: [([UInt8], String)] = [
            ([0xFF], "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
            ([0x61, 0x62, 0xE2], "'utf-8' codec can't decode byte 0xe2 in position 2: unexpected end of data"),
            ([0xE2, 0x82], "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"),
            ([0xE2, 0x41], "'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte"),
            ([0xE2, 0x82, 0x41], "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"),
            ([0xE0, 0x80, 0x80], "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte"),
            ([0xED, 0xA0, 0x80], "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"),
            ([0xF4, 0x90, 0x80, 0x80], "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"),
            ([0xC0, 0x80], "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"),
            ([0xF0, 0x9F, 0x98], "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(message { try JSON.parse(input) }, expected, "input: \(input)")
            XCTAssertEqual(code { try JSON.parse(input) }, .invalidUTF8)
        }
    }

    func testOutOfRangeAndSurrogates() {
        XCTAssertEqual(code { try JSON.parse("1e400") }, .outOfRange)
        XCTAssertEqual(code { try JSON.parse("-1e400") }, .outOfRange)
        XCTAssertEqual(code { try JSON.parse("\"\\ud800\"") }, .syntax)
        XCTAssertEqual(code { try JSON.parse("\"\\udc00\"") }, .syntax)
        XCTAssertEqual(code { try JSON.parse("\"\\ud800\\u0041\"") }, .syntax)
        XCTAssertNotNil(message { try JSON.parse("\"\\ud800\"") }?.hasPrefix("Unpaired surrogate"))
    }

    func testDepthLimit() throws {
        let ok = String(repeating: "[", count: JSON.maximumDepth) + String(repeating: "]", count: JSON.maximumDepth)
        XCTAssertNoThrow(try JSON.parse(ok))
        let deep = String(repeating: "[", count: JSON.maximumDepth + 1) + String(repeating: "]", count: JSON.maximumDepth + 1)
        XCTAssertEqual(code { try JSON.parse(deep) }, .tooDeep)
        // Far deeper than any stack would survive if recursion were unbounded.
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        XCTAssertEqual(code { try JSON.parse(hostile) }, .tooDeep)
    }

    func testRandomBytesNeverCrash() {
        var rng = SplitMix64(seed: 0xA17D)
        let alphabet = Array("{}[]\":,0123456789-+.eEtrufalsn \\u\t\n\"abc\u{e9}".utf8)
        for round in 0..<20_000 {
            let length = Int(rng.next() % 40)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                // Mostly JSON-ish bytes so the parser gets deep into its states; sometimes arbitrary bytes.
                if rng.next() % 8 == 0 {
                    bytes.append(UInt8(truncatingIfNeeded: rng.next()))
                } else {
                    bytes.append(alphabet[Int(rng.next() % UInt64(alphabet.count))])
                }
            }
            do {
                let v = try JSON.parse(bytes)
                // Anything accepted must serialise and parse back to the same value.
                XCTAssertEqual(try JSON.parse(JSON.serialize(v)), v, "round \(round): \(bytes)")
            } catch {
                XCTAssertFalse(error.message.isEmpty)
            }
        }
    }

    func testMutationKeepsOrder() {
        var o: JSONObject = ["a": 1, "b": 2, "c": 3]
        o["b"] = "x"
        XCTAssertEqual(o.keys, ["a", "b", "c"])
        o["b"] = nil
        XCTAssertEqual(o.keys, ["a", "c"])
        XCTAssertEqual(o.removeValue(forKey: "a"), .int(1))
        XCTAssertNil(o.removeValue(forKey: "zz"))
        XCTAssertEqual(o.count, 1)
        // Large objects switch to a hash index; behaviour must not change.
        var big = JSONObject()
        for i in 0..<100 { big["k\(i)"] = .int(Int64(i)) }
        big["k5"] = "five"
        big["k50"] = nil
        XCTAssertEqual(big.count, 99)
        XCTAssertEqual(big["k5"], "five")
        XCTAssertNil(big["k50"])
        XCTAssertEqual(big["k99"], .int(99))
        XCTAssertEqual(big.keys.first, "k0")
        XCTAssertEqual(big.keys[5], "k5")
        XCTAssertEqual(big.keys[50], "k51")
    }

    func testObjectEqualityIgnoresOrderLikePython() {
        let a: JSONObject = ["x": 1, "y": 2]
        let b: JSONObject = ["y": 2, "x": 1]
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertNotEqual(a, ["x": 1, "y": 3])
    }

    func testAccessors() {
        XCTAssertEqual(JSONValue.double(3.0).intValue, 3)
        XCTAssertNil(JSONValue.double(3.5).intValue)
        XCTAssertNil(JSONValue.double(1e300).intValue)
        XCTAssertEqual(JSONValue.int(3).doubleValue, 3.0)
        XCTAssertEqual(JSONValue.string("s").stringValue, "s")
        XCTAssertNil(JSONValue.int(1).stringValue)
        XCTAssertTrue(JSONValue.null.isNull)
        XCTAssertEqual(JSONValue.bool(true).boolValue, true)
        XCTAssertTrue(JSONValue.array([]).isFalsy)
        XCTAssertFalse(JSONValue.string("a").isFalsy)
    }

    private func message(_ body: () throws -> JSONValue) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? JSONError)?.message ?? "unexpected error type: \(error)"
        }
    }

    private func code(_ body: () throws -> JSONValue) -> JSONError.Code? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? JSONError)?.code
        }
    }
}
