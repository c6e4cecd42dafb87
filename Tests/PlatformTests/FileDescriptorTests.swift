import Glibc
import Platform
import XCTest

final class FileDescriptorTests: XCTestCase {
    func testCloseClosesExactlyOnce() throws {
        let pipe = try FileDescriptor.pipe()
        let number = pipe.read.raw
        pipe.read.close()
        XCTAssertFalse(pipe.read.isOpen)
        XCTAssertEqual(pipe.read.raw, -1)
        XCTAssertTrue(isClosed(number))

        // A new descriptor takes the old one's number (as the kernel's lowest-free-number rule would do soon
        // anyway): a second close(), or the deinit, must not close it.
        let successor = FileDescriptor(dup2(pipe.write.raw, number))
        XCTAssertEqual(successor.raw, number)
        pipe.read.close()
        XCTAssertFalse(isClosed(number))
    }

    func testDeinitCloses() throws {
        let number = try openAndDrop()
        XCTAssertTrue(isClosed(number))
    }

    func testReleaseHandsOwnershipOver() throws {
        var descriptor: FileDescriptor? = FileDescriptor(try openRaw())
        let number = descriptor!.release()
        XCTAssertFalse(descriptor!.isOpen)
        descriptor = nil
        XCTAssertFalse(isClosed(number))
        let newOwner = FileDescriptor(number)
        newOwner.close()
        XCTAssertTrue(isClosed(number))
    }

    func testPipeEndsAreCloseOnExec() throws {
        let pipe = try FileDescriptor.pipe()
        for end in [pipe.read, pipe.write] {
            XCTAssertEqual(fcntl(end.raw, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC)
        }
    }

    func testSetNonBlocking() throws {
        let pipe = try FileDescriptor.pipe()
        XCTAssertEqual(fcntl(pipe.write.raw, F_GETFL) & O_NONBLOCK, 0)
        try pipe.write.setNonBlocking()
        XCTAssertEqual(fcntl(pipe.write.raw, F_GETFL) & O_NONBLOCK, O_NONBLOCK)
    }

    func testWriteAllThenReadToEnd() throws {
        let pipe = try FileDescriptor.pipe()
        let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try pipe.write.writeAll(bytes)  // fits in the pipe's 64 KiB
        pipe.write.close()
        XCTAssertEqual(try pipe.read.readToEnd(), bytes)
    }

    func testReadToEndStopsOnceOverTheLimit() throws {
        let pipe = try FileDescriptor.pipe()
        try pipe.write.writeAll([UInt8](repeating: 1, count: 10))
        // The writer stays open and the reader does not wait: one more read would fail with EAGAIN.
        try pipe.read.setNonBlocking()
        XCTAssertEqual(try pipe.read.readToEnd(limit: 5).count, 10)
    }

    func testOpenNamesThePathOnFailure() {
        XCTAssertThrowsError(try FileDescriptor.open("/nonexistent/authd-test", O_RDONLY)) { error in
            XCTAssertEqual("\(error)", "open failed (/nonexistent/authd-test): No such file or directory (errno \(ENOENT))")
        }
    }

    // MARK: helpers

    private func isClosed(_ number: Int32) -> Bool {
        fcntl(number, F_GETFD) == -1 && errno == EBADF
    }

    private func openRaw() throws -> Int32 {
        try FileDescriptor.open("/dev/null", O_RDONLY | O_CLOEXEC).release()
    }

    /// Opens a descriptor owned by an object that is gone when this returns.
    private func openAndDrop() throws -> Int32 {
        let descriptor = try FileDescriptor.open("/dev/null", O_RDONLY | O_CLOEXEC)
        XCTAssertFalse(isClosed(descriptor.raw))
        return descriptor.raw
    }
}
