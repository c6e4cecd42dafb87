import JSON
import TestSupport
import XCTest

final class JSONSerializerTests: XCTestCase {
    func testCompactLayoutAndOrder() {
        let v: JSONValue = .object(["refresh": "r", "access": "a", "n": .array([1, .null, true, false, 1.5])])
        XCTAssertEqual(JSON.serializeString(v), #"{"refresh":"r","access":"a","n":[1,null,true,false,1.5]}"#)
        XCTAssertEqual(JSON.serializeString(.object(JSONObject())), "{}")
        XCTAssertEqual(JSON.serializeString(.array([])), "[]")
        XCTAssertEqual(JSON.serializeString(.int(Int64.min)), "-9223372036854775808")
        XCTAssertEqual(JSON.serializeString(.int(0)), "0")
    }

    /// Expected strings are CPython's `json.dumps` output.
    func testDoublesLikePython() {
        let cases: [(Double, String)] = [
            (1.0, "1.0"), (-0.0, "-0.0"), (0.0, "0.0"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"), (0.00001, "1e-05"), (1.5e300, "1.5e+300"), (Double.leastNonzeroMagnitude, "5e-324"),
            (123456789.123, "123456789.123"), (0.1, "0.1"), (1e22, "1e+22"), (9007199254740992.0, "9007199254740992.0"),
            (1e-7, "1e-07"), (12345678901234567.0, "1.2345678901234568e+16"), (-2.5, "-2.5"), (100.0, "100.0"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (0.3, "0.3"), (2.0 / 3.0, "0.6666666666666666"),
        ]
        for (d, expected) in cases {
            XCTAssertEqual(JSON.serializeString(.double(d)), expected)
        }
    }

    func testStringEscapingLikePython() {
        let s: JSONValue = .object(["a": .string("é\u{7f}\u{1}😀\u{2028} \"\\/ \t\n\r\u{8}\u{c}")])
        // json.dumps(..., separators=(",", ":")) with ensure_ascii=True, then False.
        XCTAssertEqual(JSON.serializeString(s, escapeNonASCII: true),
                       #"{"a":"\u00e9\u007f\u0001\ud83d\ude00\u2028 \"\\/ \t\n\r\b\f"}"#)
        XCTAssertEqual(JSON.serializeString(s, escapeNonASCII: false),
                       "{\"a\":\"é\u{7f}\\u0001😀\u{2028} \\\"\\\\/ \\t\\n\\r\\b\\f\"}")
    }

    func testRoundTrip() throws {
        let docs = [
            #"{"token_type":"access","exp":1700000000,"iat":1699999100,"jti":"0123abcd","user_id":"42"}"#,
            #"[1,-2,3.25,"x\u00e9",{"nested":[null,true,{"k":"v"}]},1e+100]"#,
            #"{"a":{"b":{"c":{"d":[]}}},"":""}"#,
        ]
        for doc in docs {
            let v = try JSON.parse(doc)
            XCTAssertEqual(try JSON.parse(JSON.serialize(v)), v)
            XCTAssertEqual(try JSON.parse(JSON.serialize(v, escapeNonASCII: true)), v)
        }
        XCTAssertEqual(JSON.serializeString(try JSON.parse(docs[0])), docs[0])
    }

    func testRandomDoublesRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<5_000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            let text = JSON.serializeString(.double(d))
            let back = try JSON.parse(text)
            XCTAssertEqual(back.doubleValue, d, text)
        }
    }
}
