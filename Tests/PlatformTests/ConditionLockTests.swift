import Platform
import XCTest

final class ConditionLockTests: XCTestCase {
    func testWaitSleepsUntilBroadcast() throws {
        let items = Guarded<[Int]>([])
        let consumer = try PlatformThread.start(name: "lock-consumer") {
            items.lock.withLock {
                while items.value.count < 3 { items.lock.wait() }
            }
        }
        for item in 1...3 {
            items.withLock {
                $0.append(item)
                items.lock.broadcast()
            }
        }
        consumer.join()
        XCTAssertEqual(items.withLock { $0 }, [1, 2, 3])
    }
}
