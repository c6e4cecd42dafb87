/// glibc's allocator knobs that Swift's Glibc module does not import (malloc.h is not part of it).
public enum ProcessMemory {
    /// Keeps up to `bytes` of memory freed at the top of a thread's arena instead of returning it to the kernel
    /// (glibc's M_TRIM_THRESHOLD, default 128 KiB). Answers whether glibc accepted it.
    @discardableResult
    public static func keepFreedMemory(upTo bytes: Int32) -> Bool {
        authd_mallopt(mTrimThreshold, bytes) == 1
    }

    /// `M_TRIM_THRESHOLD` in glibc's malloc.h.
    private static let mTrimThreshold: Int32 = -1
}

@_silgen_name("mallopt")
private func authd_mallopt(_ parameter: Int32, _ value: Int32) -> Int32
