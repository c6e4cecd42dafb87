import Glibc

/// Looks up a C function at run time. glibc declares some functions only under _GNU_SOURCE, which Swift's
/// Glibc module is built without (pipe2, posix_spawn_file_actions_addclosefrom_np…); looking them up lets
/// authd use them where the C library has them and fall back where it does not.
public enum DynamicSymbol {
    /// The function `name` as a `@convention(c)` type `T`, or nil if no loaded object defines it.
    public static func lookup<T>(_ name: String, as type: T.Type = T.self) -> T? {
        // RTLD_DEFAULT is a null handle in glibc: search every loaded object.
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
