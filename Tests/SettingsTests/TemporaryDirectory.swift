import Foundation
import XCTest

/// A fresh directory under /tmp holding the key files fixtures point at; removed in `deinit`.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/authd-settings-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `name` with the given permission bits (set explicitly, so the umask cannot widen
    /// or narrow them) and returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: mode_t = 0o600) throws -> String {
        let file = path + "/" + name
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard chmod(file, mode) == 0 else { throw CocoaError(.fileWriteNoPermission) }
        return file
    }
}
