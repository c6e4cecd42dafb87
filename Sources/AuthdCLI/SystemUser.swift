#if canImport(Glibc)
import Glibc
#endif

/// Who runs a command, for the audit log: the login name of the real uid, or the uid as a number.
enum SystemUser {
    static var current: String {
        let uid = getuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }
}
