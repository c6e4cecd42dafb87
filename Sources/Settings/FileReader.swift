import Glibc
import Platform

/// Reads whole files with plain system calls, checking type and permissions on the open descriptor
/// (not the path) so the file checked is the file read.
enum FileReader {
    struct Failure: Error {
        let message: String
    }

    /// - Parameter secret: refuse files that other users can read or write, or that the group can write.
    ///   Group read stays allowed so a key owned by root with group `authd` and mode 0640 works.
    static func read(_ path: String, maxBytes: Int, secret: Bool) -> Result<[UInt8], Failure> {
        // O_NONBLOCK so a FIFO given by mistake cannot hang start-up; it is refused below as not regular.
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        } catch {
            return .failure(Failure(message: "cannot open \(path): \(error.reason)"))
        }
        defer { file.close() }
        var info = stat()
        guard fstat(file.raw, &info) == 0 else { return .failure(Failure(message: "cannot stat \(path): \(errnoText())")) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(Failure(message: "\(path) is not a regular file"))
        }
        if secret {
            let mode = info.st_mode
            if mode & (S_IROTH | S_IWOTH) != 0 {
                let what = mode & S_IWOTH != 0 ? "writable" : "readable"
                return .failure(Failure(message: "\(path) is \(what) by other users; run chmod 600 \(path)"))
            }
            if mode & S_IWGRP != 0 {
                return .failure(Failure(message: "\(path) is writable by its group; run chmod 600 \(path)"))
            }
        }
        guard Int(info.st_size) <= maxBytes else {
            return .failure(Failure(message: "\(path) is larger than \(maxBytes) bytes; is it the right file?"))
        }
        let bytes: [UInt8]
        do {
            bytes = try file.readToEnd(limit: maxBytes)
        } catch {
            return .failure(Failure(message: "cannot read \(path): \(error.reason)"))
        }
        guard bytes.count <= maxBytes else {
            return .failure(Failure(message: "\(path) is larger than \(maxBytes) bytes; is it the right file?"))
        }
        return .success(bytes)
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
