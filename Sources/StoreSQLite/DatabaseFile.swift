import Store
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Platform

/// Creates the database file and its folders before SQLite opens it, so the file holding password hashes
/// is never readable by others: folders are made 0700 and a new file exactly 0600, whatever the umask.
/// An existing file keeps its mode (the operator may have chosen a group); SQLite gives its -wal and -shm
/// files the same mode as the database file.
enum DatabaseFile {
    static func prepare(path: String) throws(StoreError) {
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw StoreError(.invalidArgument, "the database path is empty or contains a NUL byte; set store.sqlite to a file path")
        }
        try makeParentFolders(of: path)
        try createFileIfMissing(path)
    }

    private static func makeParentFolders(of path: String) throws(StoreError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        var current = path.hasPrefix("/") ? "" : "."
        for component in components {
            current += "/" + component
            if mkdir(current, 0o700) == 0 {
                // mkdir honours the umask, which can only remove bits; make sure it is exactly 0700.
                guard chmod(current, 0o700) == 0 else { throw ioError("chmod 0700", current) }
                continue
            }
            let err = errno
            guard err == EEXIST else { throw ioError("mkdir", current, err) }
            var info = stat()
            guard stat(current, &info) == 0 else { throw ioError("stat", current) }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw StoreError(.io, "\(current) exists but is not a folder; choose another store.sqlite path")
            }
        }
    }

    private static func createFileIfMissing(_ path: String) throws(StoreError) {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode: 0o600)
        } catch where error.errno == EEXIST {
            return try checkExistingMode(path)
        } catch {
            throw ioError("create", path, error.errno)
        }
        // The descriptor is owned by this scope only: fix the mode, then close it.
        defer { file.close() }
        guard fchmod(file.raw, 0o600) == 0 else { throw ioError("fchmod 0600", path) }
    }

    /// The file holds password hashes, and SQLite gives its -wal and -shm files the database's mode: like a key
    /// file, it must not be readable by other users nor writable by the group (0600, or 0640 for a group).
    static func checkExistingMode(_ path: String) throws(StoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ioError("stat", path) }
        let mode = info.st_mode & 0o777
        guard mode & 0o027 == 0 else {
            throw StoreError(.io, "\(path) has mode \(String(mode, radix: 8)): other users could read the password hashes "
                + "and tokens in it (and in its -wal and -shm files); run chmod 600 \(path) (or 640 for a group)")
        }
    }

    private static func ioError(_ call: String, _ path: String, _ err: Int32 = errno) -> StoreError {
        StoreError(.io, "\(call) \(path) failed: \(String(cString: strerror(err))) (errno \(err)); "
            + "check that the folder exists or can be created and that authd may write to it")
    }
}
