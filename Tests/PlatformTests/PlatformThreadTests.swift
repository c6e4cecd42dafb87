import Glibc
import Platform
import XCTest

final class PlatformThreadTests: XCTestCase {
    func testStartRunsTheBodyAndJoinWaitsForIt() throws {
        let handle = Guarded<PlatformThread?>(nil)
        let seen = Guarded<(ran: Bool, isCurrent: Bool)>((false, false))
        let thread = try handle.lock.withLock { () throws -> PlatformThread in
            let thread = try PlatformThread.start(name: "platform-test") {
                // Takes the lock, so it runs once the starter has stored the handle.
                let isCurrent = handle.withLock { $0?.isCurrent ?? false }
                usleep(50_000)  // join() must wait for this
                seen.withLock { $0 = (true, isCurrent) }
            }
            handle.value = thread
            return thread
        }
        XCTAssertFalse(thread.isCurrent)
        thread.join()
        XCTAssertTrue(seen.withLock { $0.ran })
        XCTAssertTrue(seen.withLock { $0.isCurrent })
    }

    func testNicenessAppliesToTheNewThreadOnly() throws {
        let before = Self.niceness()
        let target: Int32 = before == 7 ? 8 : 7
        let inside = Guarded<Int32?>(nil)
        let thread = try PlatformThread.start(name: "platform-nice", niceness: target) {
            inside.withLock { $0 = Self.niceness() }
        }
        thread.join()
        XCTAssertEqual(inside.withLock { $0 }, target)
        XCTAssertEqual(Self.niceness(), before)
    }

    func testWithoutNicenessTheThreadKeepsTheCallersPriority() throws {
        let inside = Guarded<Int32?>(nil)
        let thread = try PlatformThread.start(name: "platform-plain") {
            inside.withLock { $0 = Self.niceness() }
        }
        thread.join()
        XCTAssertEqual(inside.withLock { $0 }, Self.niceness())
    }

    func testNameIsSetAndCutTo15Bytes() throws {
        let name = Guarded<String?>(nil)
        let thread = try PlatformThread.start(name: "authd-a-very-long-thread-name") {
            name.withLock { $0 = Self.ownThreadName() }
        }
        thread.join()
        XCTAssertEqual(name.withLock { $0 }, "authd-a-very-lo")
    }

    func testDetachedThreadRuns() throws {
        let done = Guarded(false)
        try PlatformThread.startDetached(name: "platform-detach") {
            done.withLock { $0 = true }
        }
        XCTAssertTrue(done.eventually { $0 })
    }

    // MARK: helpers

    private static func niceness() -> Int32 {
        // PRIO_PROCESS with `who` 0 is the calling thread on Linux.
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    /// The calling thread's name, as the kernel shows it.
    private static func ownThreadName() -> String? {
        let fd = open("/proc/thread-self/comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        var name = String(decoding: buffer[0..<count], as: UTF8.self)
        if name.hasSuffix("\n") { name.removeLast() }
        return name
    }
}
