#if canImport(Glibc)
import Glibc
#endif
import Platform
import Store

extension SQLiteStore {
    /// Reads the header of the database at `path`, if there is one, without opening it: SQLite's 100-byte file header
    /// holds the schema version (`user_version`, bytes 60–63), so nothing is created, locked or written. Refuses a
    /// file that is not an SQLite database or was migrated by a newer authd.
    public static func inspect(path: String) throws(StoreError) -> StoreInspection {
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw StoreError(.invalidArgument, "the database path is empty or contains a NUL byte; set store.sqlite to a file path")
        }
        let header: [UInt8]
        do {
            let file = try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            header = Array(try file.readToEnd(limit: 99).prefix(100))
        } catch where error.errno == ENOENT {
            return .missing(location: path)
        } catch {
            throw StoreError(.io, "cannot read \(path): \(error.reason) (errno \(error.errno))")
        }
        let filled = header.count
        // A file created but never written (a crash right after creation) is as good as missing.
        if filled == 0 { return .existing(location: path, schemaVersion: 0) }
        guard filled == header.count, header.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw StoreError(.io, "\(path) is not an SQLite database; point store.sqlite at authd's database file")
        }
        let version = header[60..<64].reduce(0) { $0 << 8 | Int($1) }
        guard version <= Schema.latestVersion else {
            throw StoreError(.schemaTooNew, "\(path) has schema version \(version) but this authd knows only up to "
                + "\(Schema.latestVersion); it was written by a newer authd: upgrade authd, or restore a backup made for this version")
        }
        return .existing(location: path, schemaVersion: version)
    }
}
