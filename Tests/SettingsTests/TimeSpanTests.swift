import Settings
import XCTest

final class TimeSpanTests: XCTestCase {
    func testAcceptedSpellings() {
        let cases: [(String, Int64)] = [
            ("15m", 900_000), ("7d", 604_800_000), ("2w", 1_209_600_000), ("1h30m", 5_400_000), ("90s", 90_000),
            ("500ms", 500), ("1h 30m", 5_400_000), ("1.5h", 5_400_000), ("300", 300_000), ("0.25", 250), (".5", 500),
            ("0", 0), ("1d2h3m4s5ms", 93_784_005), ("1_000", 1_000_000), ("+5s", 5000), ("-5s", -5000),
        ]
        for (text, ms) in cases {
            XCTAssertEqual(TimeSpan(text)?.milliseconds, ms, text)
        }
    }

    func testRefusedSpellings() {
        for text in ["", "m", "15x", "1h30", "30m1h", "1m1m", "5 mins", "1e3", "1.5.2s", "0.0001", "1.0001s",
                     "101y", "1000000w", "99999999999999999999", "--5s", "PT15M", "15M"] {
            XCTAssertNil(TimeSpan(text), text)
        }
    }

    func testDescriptionRoundTrips() {
        for text in ["1h30m", "500ms", "2w", "1d2h3m4s5ms", "0s"] {
            XCTAssertEqual(TimeSpan(text)?.description, text)
        }
        XCTAssertEqual(TimeSpan.seconds(90).description, "1m30s")
        XCTAssertEqual(TimeSpan.milliseconds(1500).seconds, 1.5)
        XCTAssertEqual(TimeSpan.milliseconds(1999).wholeSeconds, 1)
    }

    func testMaximumIsAHundredYears() {
        XCTAssertEqual(TimeSpan("36500d"), TimeSpan.maximum)
        XCTAssertNil(TimeSpan("36501d"))
    }
}
