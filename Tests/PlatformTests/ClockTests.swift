import Glibc
@testable import Platform
import XCTest

final class ClockTests: XCTestCase {
    func testManualClockMovesOnlyWhenTold() {
        let clock = ManualClock(1_000)
        XCTAssertEqual(clock.now(), 1_000)
        XCTAssertEqual(clock.now(), 1_000)
        clock.advance(by: 1.5)
        XCTAssertEqual(clock.now(), 1_001.5)
        clock.set(42)
        XCTAssertEqual(clock.now(), 42)
    }

    func testManualClockIsSafeToAdvanceFromManyThreads() throws {
        let clock = ManualClock(0)
        let threads = try (0..<4).map { index in
            try PlatformThread.start(name: "clock-\(index)") {
                for _ in 0..<1_000 { clock.advance(by: 1) }
            }
        }
        for thread in threads { thread.join() }
        XCTAssertEqual(clock.now(), 4_000)
    }

    func testWallClockIsInjectable() {
        func expired(_ expiry: Double, _ clock: some WallClock) -> Bool { clock.now() >= expiry }
        let clock = ManualClock(100)
        XCTAssertFalse(expired(110, clock))
        clock.advance(by: 10)
        XCTAssertTrue(expired(110, clock))
    }

    func testSystemWallClockIsTheRealTime() {
        let seconds = SystemWallClock().now()
        XCTAssertEqual(seconds, Double(time(nil)), accuracy: 2)
        XCTAssertEqual(Double(SystemWallClock.nanosecondsSinceEpoch()) / 1e9, seconds, accuracy: 2)
    }

    func testMonotonicClockNeverGoesBack() {
        var previous = MonotonicClock.now()
        for _ in 0..<1_000 {
            let now = MonotonicClock.now()
            XCTAssertGreaterThanOrEqual(now, previous)
            previous = now
        }
    }

    func testSecondsToNanosecondsIsClamped() {
        XCTAssertEqual(MonotonicClock.nanoseconds(1.5), 1_500_000_000)
        XCTAssertEqual(MonotonicClock.nanoseconds(-3), 0)
        XCTAssertEqual(MonotonicClock.nanoseconds(.infinity), 1_000_000_000 * 1_000_000_000)
    }

    func testMillisecondsUntilRoundsUpAndGoesNegativeAfterTheDeadline() {
        XCTAssertEqual(MonotonicClock.milliseconds(from: 0, until: 1), 1)
        XCTAssertEqual(MonotonicClock.milliseconds(from: 0, until: 1_000_000), 1)
        XCTAssertEqual(MonotonicClock.milliseconds(from: 0, until: 1_000_001), 2)
        XCTAssertEqual(MonotonicClock.milliseconds(from: 7, until: 7), 0)
        XCTAssertEqual(MonotonicClock.milliseconds(from: 5_000_000, until: 0), -5)
        let inTenSeconds = MonotonicClock.milliseconds(until: MonotonicClock.now() + 10_000_000_000)
        XCTAssertTrue((9_000...10_000).contains(inTenSeconds), "\(inTenSeconds)")
    }
}
