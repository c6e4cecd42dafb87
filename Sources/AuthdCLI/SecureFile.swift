#if canImport(Glibc)
import Glibc
#endif
import Platform

/// Writes secrets with exactly the mode asked for, whatever the umask, and never over an existing file
/// unless told to.
enum SecureFile {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, replace: Bool) throws(CLIError) {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW
        flags |= replace ? O_TRUNC : O_EXCL
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, flags, mode: mode)
        } catch {
            if error.errno == EEXIST { throw .failure("\(path) already exists; pass --force to replace it") }
            throw .failure("cannot create \(path): \(error.reason)")
        }
        defer { file.close() }
        let fd = file.raw
        guard fchmod(fd, mode) == 0 else { throw .failure("cannot set the mode of \(path): \(String(cString: strerror(errno)))") }
        do {
            try file.writeAll(bytes)
        } catch {
            throw .failure("cannot write \(path): \(error.reason)")
        }
        guard fsync(fd) == 0 else { throw .failure("cannot flush \(path): \(String(cString: strerror(errno)))") }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
