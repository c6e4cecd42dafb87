#if canImport(Glibc)
import Glibc
#endif

/// Binds a client socket to its own IPv4 address before it connects, so a test can be a second client address
/// (127.0.0.2) on one machine. Answers errno on failure, 0 on success.
public func bindSourceAddress(_ fd: Int32, _ address: String) -> Int32 {
    var local = sockaddr_in()
    local.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, address, &local.sin_addr)
    let bound = withUnsafePointer(to: &local) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return bound == 0 ? 0 : errno
}
