import Glibc
import Platform
import XCTest

final class SystemCallTests: XCTestCase {
    func testEmptyNonBlockingPipeReportsWouldBlock() throws {
        let pipe = try FileDescriptor.pipe()
        try pipe.read.setNonBlocking()
        var byte: UInt8 = 0
        let result = try SystemCall.run("read") { read(pipe.read.raw, &byte, 1) }
        XCTAssertEqual(result, .wouldBlock)

        try pipe.write.writeAll([42])
        XCTAssertEqual(try SystemCall.run("read") { read(pipe.read.raw, &byte, 1) }, .value(1))
        XCTAssertEqual(byte, 42)
    }

    func testFailingCallThrowsAnErrorNamingTheCallAndErrno() throws {
        let closed = try closedDescriptorNumber()
        XCTAssertThrowsError(try SystemCall.value("fcntl(F_GETFD)", context: "descriptor \(closed)") {
            Int(fcntl(closed, F_GETFD))
        }) { error in
            guard let error = error as? SystemCallError else { return XCTFail("\(error) is not a SystemCallError") }
            XCTAssertEqual(error.call, "fcntl(F_GETFD)")
            XCTAssertEqual(error.errno, EBADF)
            XCTAssertEqual(error.description,
                           "fcntl(F_GETFD) failed (descriptor \(closed)): Bad file descriptor (errno \(EBADF))")
        }
    }

    func testBindToAnAddressInUseNamesBindAndEADDRINUSE() throws {
        let first = try tcpSocket()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = try bind(first, &address)
        _ = try SystemCall.value("listen") { Int(listen(first.raw, 1)) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = try SystemCall.value("getsockname") {
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Int(getsockname(first.raw, $0, &length)) }
            }
        }
        let second = try tcpSocket()
        XCTAssertThrowsError(try bind(second, &address)) { error in
            let error = error as? SystemCallError
            XCTAssertEqual(error?.errno, EADDRINUSE)
            XCTAssertTrue(error?.description.hasPrefix("bind failed (127.0.0.1): Address already in use") == true,
                          error?.description ?? "")
        }
    }

    func testEINTRIsRetriedAndEAGAINIsAnErrorForTheBlockingForm() throws {
        var calls = 0
        let value = try SystemCall.value("fake") { () -> Int in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        XCTAssertEqual(value, 7)
        XCTAssertEqual(calls, 3)
        XCTAssertThrowsError(try SystemCall.value("fake") { () -> Int in
            errno = EAGAIN
            return -1
        }) { XCTAssertEqual(($0 as? SystemCallError)?.errno, EAGAIN) }
    }

    func testThrowingTurnsTheFailureIntoTheCallersErrorType() {
        do throws(ModuleError) {
            _ = try SystemCall.value("close", throwing: ModuleError.self) { Int(close(-1)) }
            XCTFail("close(-1) succeeded")
        } catch {
            XCTAssertEqual(error.message, "close failed: Bad file descriptor (errno \(EBADF))")
        }
    }

    // MARK: helpers

    private struct ModuleError: SystemCallErrorConvertible {
        let message: String
        init(_ error: SystemCallError) { message = error.description }
    }

    /// A descriptor number that is certainly closed now.
    private func closedDescriptorNumber() throws -> Int32 {
        let pipe = try FileDescriptor.pipe()
        let number = pipe.read.raw
        pipe.read.close()
        return number
    }

    private func tcpSocket() throws -> FileDescriptor {
        FileDescriptor(Int32(try SystemCall.value("socket") { Int(socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)) }))
    }

    private func bind(_ socket: FileDescriptor, _ address: inout sockaddr_in) throws -> Int {
        try SystemCall.value("bind", context: "127.0.0.1") {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Int(Glibc.bind(socket.raw, $0, socklen_t(MemoryLayout<sockaddr_in>.size)))
                }
            }
        }
    }
}
