import XCTest
import Platform
import Synchronization

final class WorkerPoolTests: XCTestCase {
    func testRefusesWhenTheQueueIsFull() {
        let pool = WorkerPool(workers: 1, queueLimit: 2)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let ran = Counter()
        XCTAssertTrue(pool.submit { started.signal(); release.wait(); ran.add() })
        XCTAssertEqual(started.wait(timeout: .now() + 30), .success)
        // The only worker is busy: two jobs may wait, the third is refused.
        XCTAssertTrue(pool.submit { ran.add() })
        XCTAssertTrue(pool.submit { ran.add() })
        XCTAssertEqual(pool.queued, 2)
        XCTAssertFalse(pool.submit { ran.add() })
        release.signal()
        pool.shutdown()
        XCTAssertEqual(ran.value, 3, "every accepted job ran, the refused one did not")
        XCTAssertEqual(pool.queued, 0)
    }

    func testWithNoQueueOnlyIdleWorkersTakeJobs() {
        let pool = WorkerPool(workers: 1, queueLimit: 0)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit { started.signal(); release.wait() })
        XCTAssertEqual(started.wait(timeout: .now() + 30), .success)
        XCTAssertFalse(pool.submit {})
        release.signal()
        pool.shutdown()
    }

    func testWorkersRunInParallel() {
        // Each job waits for the other: only two concurrent workers can finish both.
        let pool = WorkerPool(workers: 2, queueLimit: 0)
        let a = DispatchSemaphore(value: 0), b = DispatchSemaphore(value: 0)
        let finished = Counter()
        XCTAssertTrue(pool.submit { a.signal(); if b.wait(timeout: .now() + 30) == .success { finished.add() } })
        XCTAssertTrue(pool.submit { b.signal(); if a.wait(timeout: .now() + 30) == .success { finished.add() } })
        pool.shutdown()
        XCTAssertEqual(finished.value, 2)
    }

    func testShutdownRunsAcceptedJobsThenRefusesNewOnes() throws {
        let pool = WorkerPool(workers: 2, queueLimit: 100)
        let verified = Counter()
        for _ in 0..<50 {
            XCTAssertTrue(pool.submit {
                // Some real work per job, so the queue is not empty when shutdown begins.
                var sum = 0
                for value in 0..<100_000 { sum &+= value }
                if sum > 0 { verified.add() }
            })
        }
        pool.shutdown()
        XCTAssertEqual(verified.value, 50)
        XCTAssertFalse(pool.submit {})
    }

    func testDroppingThePoolStopsItsThreads() {
        let ran = Counter()
        do {
            let pool = WorkerPool(workers: 3, queueLimit: 10)
            for _ in 0..<5 { pool.submit { ran.add() } }
        }
        // deinit shut the pool down, which waits for accepted jobs.
        XCTAssertEqual(ran.value, 5)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// One client flooding the pool cannot take every place: another client's job still gets in.
final class FairWorkerPoolTests: XCTestCase {
    func testOneKeyHoldsAtMostItsShare() {
        let pool = WorkerPool(workers: 1, queueLimit: 3, niceness: 0)   // 4 places, 2 per key
        defer { pool.shutdown() }
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit(key: "flood") { started.signal(); release.wait() })
        started.wait()
        XCTAssertTrue(pool.submit(key: "flood") {})
        XCTAssertEqual(pool.admit(key: "flood") {}, .overShare, "a third place for one key")
        XCTAssertTrue(pool.submit(key: "other") {}, "another key still finds a place")
        XCTAssertEqual(pool.admit(key: "third") {}, .accepted)
        XCTAssertEqual(pool.admit(key: "fourth") {}, .full, "every place taken")
        release.signal()
    }

    func testKeysAreServedInTurn() {
        let pool = WorkerPool(workers: 1, queueLimit: 20, niceness: 0, perKeyLimit: 20)
        let order = Guarded<[String]>([])
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit(key: "a") { started.signal(); release.wait() })
        started.wait()
        for _ in 0..<5 { XCTAssertTrue(pool.submit(key: "a") { order.withLock { $0.append("a") } }) }
        XCTAssertTrue(pool.submit(key: "b") { order.withLock { $0.append("b") } })
        release.signal()
        pool.shutdown()
        let seen = order.withLock { $0 }
        XCTAssertEqual(seen.firstIndex(of: "b"), 1, "b waited behind one of a's jobs, not all five: \(seen)")
    }
}
