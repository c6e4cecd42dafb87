import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh private directory (mkdtemp, mode 0700) under /tmp for one test, removed with everything in it when
/// the last reference goes — the one temporary-directory helper of every test target.
///
/// Always /tmp, never `$TMPDIR`: tests put Unix sockets in here, and a socket path must stay under 108 bytes.
public final class TemporaryDirectory: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let path: String

    /// `prefix` names the directory (`/tmp/<prefix>-XXXXXX`), so a leftover one says which tests made it.
    public init(prefix: String = "authd-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else {
            throw Failure(description: "mkdtemp(/tmp/\(prefix)-XXXXXX) failed: \(String(cString: strerror(errno)))")
        }
        path = made
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The full path of `name` inside the directory (nothing is created).
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` with the given permission bits (set explicitly, so the umask cannot widen or narrow
    /// them) and returns the full path.
    @discardableResult
    public func write(_ name: String, _ text: String, mode: mode_t = 0o600) throws -> String {
        let file = file(name)
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else {
            throw Failure(description: "cannot write \(file)")
        }
        guard chmod(file, mode) == 0 else {
            throw Failure(description: "chmod \(String(mode, radix: 8)) \(file) failed: \(String(cString: strerror(errno)))")
        }
        return file
    }

    /// Writes an executable `/bin/sh` script (`#!/bin/sh`, then `body`) and returns its full path.
    @discardableResult
    public func shellScript(_ name: String, _ body: String) throws -> String {
        try write(name, "#!/bin/sh\n" + body + "\n", mode: 0o755)
    }
}
