import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which files a program made durable, and when: an LD_PRELOAD shim wraps `fsync` and `fdatasync` and, after the
/// real call succeeded, appends `fsync <path>` / `fdatasync <path>` to a log file (the path from
/// `/proc/self/fd/N`). The test appends its own `mark <text>` lines to the same file, so one log orders the
/// program's syncs against the test's events (every line is one `write` with `O_APPEND`, so lines never mix).
///
/// kill -9 cannot show a missing fsync (the kernel keeps what was written; only power loss loses it): this can.
/// It needs a C compiler (`cc`, `gcc` or the Swift toolchain's `clang`; `scripts/install-test-deps` installs gcc)
/// and a dynamically linked program (a debug `authd` is).
public final class SyncTrace: Sendable {
    public static let logVariable = "AUTHD_TEST_SYNC_LOG"

    /// The shared library to preload.
    public let library: String
    /// The log file.
    public let log: String

    /// Builds the shim into `directory`, checks that it works (coreutils' `sync FILE` run under it must show up as
    /// an fsync of FILE in a probe log), and creates an empty log there. So "no sync in the log" always means the
    /// traced program synced nothing, never that the tracer is broken.
    public init(in directory: TemporaryDirectory) throws {
        library = try CLibrary.compile(Self.source, name: "sync_trace", in: directory)
        let probe = try directory.write("probe", "probe\n")
        let probeLog = try directory.write("probe.log", "")
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = library
        environment[Self.logVariable] = probeLog
        let synced = try TestProcess.run("sync", [probe], environment: environment)
        let traced = try String(contentsOfFile: probeLog, encoding: .utf8)
        guard synced.status == 0, traced.contains(" \(probe)\n") else {
            throw CLibrary.Failure(description: "the fsync tracer \(library) does not work: `sync \(probe)` under it exited "
                                   + "\(synced.status) (\(synced.stderrText)) and logged \(traced.debugDescription)")
        }
        log = try directory.write("sync.log", "")
    }

    /// The environment of a program to trace: this process's own plus the preload and the log's path.
    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = [library, environment["LD_PRELOAD"]].compactMap { $0 }.joined(separator: " ")
        environment[Self.logVariable] = log
        return environment
    }

    /// Appends `mark <text>` to the log.
    public func mark(_ text: String) throws {
        let line = Array("mark \(text)\n".utf8)
        let fd = open(log, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw CLibrary.Failure(description: "cannot open \(log): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw CLibrary.Failure(description: "cannot append to \(log)") }
    }

    /// The log's lines so far, in order.
    public func lines() throws -> [String] {
        try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private static let source = #"""
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>

        static char log_path[4096];
        static int (*real_fsync)(int);
        static int (*real_fdatasync)(int);

        __attribute__((constructor)) static void sync_trace_init(void) {
            const char *path = getenv("AUTHD_TEST_SYNC_LOG");
            if (path) snprintf(log_path, sizeof log_path, "%s", path);
            real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
            real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
        }

        static void note(const char *call, int fd) {
            if (!log_path[0]) return;
            char link[64], target[4096], line[4200];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            target[n < 0 ? 0 : n] = 0;
            int length = snprintf(line, sizeof line, "%s %s\n", call, target);
            int out = open(log_path, O_WRONLY | O_APPEND | O_CLOEXEC);
            if (out < 0) return;
            if (write(out, line, (size_t)length) < 0) { /* nothing to do: the test sees the line missing */ }
            close(out);
        }

        int fsync(int fd) {
            int rc = real_fsync(fd);
            if (rc == 0) note("fsync", fd);
            return rc;
        }

        int fdatasync(int fd) {
            int rc = real_fdatasync(fd);
            if (rc == 0) note("fdatasync", fd);
            return rc;
        }
        """#
}

/// Compiles C source into a shared library with the machine's C compiler.
public enum CLibrary {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `source` to `<name>.c` in `directory`, builds `lib<name>.so` (`-shared -fPIC`) and returns its path.
    /// Tries `cc`, `gcc`, then `clang` (the Swift toolchain brings one); fails, never skips, when none works.
    public static func compile(_ source: String, name: String, in directory: TemporaryDirectory) throws -> String {
        let input = try directory.write("\(name).c", source)
        let output = directory.file("lib\(name).so")
        var attempts: [String] = []
        for compiler in ["cc", "gcc", "clang"] {
            let result = try TestProcess.run(compiler, ["-shared", "-fPIC", "-O1", "-Wall", "-o", output, input, "-ldl"])
            if result.status == 0 { return output }
            attempts.append(result.status == 127 ? "\(compiler): not found"
                            : "\(compiler) exited \(result.status): \(result.stderrText)")
        }
        throw Failure(description: "no C compiler could build \(input) (run scripts/install-test-deps, which installs gcc):\n"
                      + attempts.joined(separator: "\n"))
    }
}
