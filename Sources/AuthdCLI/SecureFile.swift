#if canImport(Glibc)
import Glibc
#endif

/// Writes secrets with exactly the mode asked for, whatever the umask, and never over an existing file
/// unless told to.
enum SecureFile {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, replace: Bool) throws(CLIError) {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW
        flags |= replace ? O_TRUNC : O_EXCL
        let fd = open(path, flags, mode)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            if errno == EEXIST { throw .failure("\(path) already exists; pass --force to replace it") }
            throw .failure("cannot create \(path): \(reason)")
        }
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else { throw .failure("cannot set the mode of \(path): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .failure("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        guard fsync(fd) == 0 else { throw .failure("cannot flush \(path): \(String(cString: strerror(errno)))") }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
