#if canImport(Glibc)
import Glibc
#endif
import Settings

/// Runs an executable with `posix_spawn` (no shell, no PATH search): the input pre-filled into its standard
/// input, standard output and error read up to a limit, the whole process group killed at the deadline.
///
/// It blocks the calling thread for at most `timeout` (plus the kill), so it runs on the hashing pool, never
/// on an event loop. The input is written into the pipe before the child starts: authd never writes to a
/// pipe a child may have closed, so there is no SIGPIPE to guard against.
struct Subprocess {
    var executable: String
    var arguments: [String]
    var environment: [(String, String)]
    var timeout: TimeSpan
    var maxOutputBytes: Int
    /// Standard error is kept only for log messages.
    var maxErrorBytes = 2048

    struct Result {
        var termination: ChildProcess.Termination
        var output: [UInt8]
        var errorOutput: [UInt8]
    }

    /// Largest input: the pipe is grown to hold it before the child starts (F_SETPIPE_SZ, up to 1 MiB by default).
    static let maxInputBytes = 1 << 20

    func run(input: [UInt8]) throws(ClaimsFailure) -> Result {
        let stdin = try OwnedDescriptor.pipe()
        try prefill(stdin.write, with: input)
        stdin.write.close()
        let stdout = try OwnedDescriptor.pipe()
        let stderr = try OwnedDescriptor.pipe()
        try stdout.read.setNonBlocking()
        try stderr.read.setNonBlocking()
        let deadline = MonotonicTime.now().adding(milliseconds: timeout.milliseconds)

        let child = try spawn(stdin: stdin.read.fd, stdout: stdout.write.fd, stderr: stderr.write.fd)
        // Only the child holds these now; keeping them open here would hide its EOF.
        stdin.read.close()
        stdout.write.close()
        stderr.write.close()

        var output: [UInt8] = [], errorOutput: [UInt8] = []
        var open = [stdout.read, stderr.read]
        while !open.isEmpty {
            let remaining = deadline.millisecondsFromNow()
            guard remaining > 0 else { return try timedOut(child) }
            var polled = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let ready = Glibc.poll(&polled, nfds_t(polled.count), Int32(clamping: remaining))
            if ready < 0 && errno != EINTR {
                throw ClaimsFailure(.unavailable, "poll failed: \(String(cString: strerror(errno)))")
            }
            for (index, entry) in polled.enumerated().reversed() where entry.revents != 0 {
                let isOutput = open[index] === stdout.read
                let limit = isOutput ? maxOutputBytes - output.count : Int.max
                let (bytes, ended) = drain(open[index], upTo: limit)
                if isOutput {
                    output += bytes
                    if output.count > maxOutputBytes || (limit <= 0 && !bytes.isEmpty) {
                        child.kill()
                        throw ClaimsFailure(.tooLarge, "\(executable) wrote more than \(maxOutputBytes) bytes "
                            + "(max_output_bytes); it was stopped")
                    }
                } else {
                    errorOutput += bytes.prefix(max(0, maxErrorBytes - errorOutput.count))
                }
                if ended { open.remove(at: index) }
            }
        }
        // Both pipes are closed; the process may still be finishing.
        while true {
            if let termination = child.poll() {
                return Result(termination: termination, output: output, errorOutput: errorOutput)
            }
            let remaining = deadline.millisecondsFromNow()
            guard remaining > 0 else { return try timedOut(child) }
            // No descriptor tells when a child exits without a pidfd; a short sleep keeps the wait cheap.
            _ = Glibc.poll(nil, 0, Int32(min(remaining, 5)))
        }
    }

    private func timedOut(_ child: ChildProcess) throws(ClaimsFailure) -> Result {
        child.kill()
        throw ClaimsFailure(.timedOut, "\(executable) did not finish within \(timeout) (timeout); it was killed")
    }

    /// Reads what is available; `ended` at EOF or on an error. At most `limit + 1` bytes, so going over the
    /// limit is detected without reading a runaway stream to its end.
    private func drain(_ descriptor: OwnedDescriptor, upTo limit: Int) -> (bytes: [UInt8], ended: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while bytes.count <= limit {
            let count = buffer.withUnsafeMutableBytes { read(descriptor.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += buffer[0..<count]
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return (bytes, false) }
            return (bytes, true)
        }
        return (bytes, false)
    }

    private func prefill(_ pipe: OwnedDescriptor, with input: [UInt8]) throws(ClaimsFailure) {
        guard input.count <= Self.maxInputBytes else {
            throw ClaimsFailure(.tooLarge, "the input for \(executable) is \(input.count) bytes, more than \(Self.maxInputBytes)")
        }
        if input.count > 65_536 {
            // F_SETPIPE_SZ (Linux), not exported by Glibc's Swift module.
            let setPipeSize: Int32 = 1031
            guard fcntl(pipe.fd, setPipeSize, Int32(input.count)) >= input.count else {
                throw ClaimsFailure(.tooLarge, "cannot grow a pipe to \(input.count) bytes for \(executable): "
                    + String(cString: strerror(errno)))
            }
        }
        try pipe.setNonBlocking()
        var offset = 0
        while offset < input.count {
            let written = input.withUnsafeBytes { write(pipe.fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw ClaimsFailure(.unavailable, "cannot write the input for \(executable): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws(ClaimsFailure) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        guard posix_spawn_file_actions_init(&actions) == 0 else {
            throw ClaimsFailure(.unavailable, "cannot prepare to run \(executable): out of memory")
        }
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        guard posix_spawnattr_init(&attributes) == 0 else {
            throw ClaimsFailure(.unavailable, "cannot prepare to run \(executable): out of memory")
        }
        defer { posix_spawnattr_destroy(&attributes) }

        var rc = posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        if rc == 0 { rc = posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if rc == 0 { rc = posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        // Every other descriptor of the daemon (sockets, the database) stays out of the child, even one a
        // library opened without O_CLOEXEC.
        if rc == 0, let closeFrom = SpawnExtensions.addCloseFrom { rc = closeFrom(&actions, 3) }
        if rc == 0, let changeDirectory = SpawnExtensions.addChangeDirectory { rc = changeDirectory(&actions, "/") }

        // The daemon blocks SIGTERM/SIGINT/SIGHUP in every thread for sigwait; the child must not inherit that,
        // nor any ignored signal. Its own process group lets a timeout kill the hook's children too.
        var noSignals = sigset_t(), everySignal = sigset_t()
        sigemptyset(&noSignals)
        sigemptyset(&everySignal)
        for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&everySignal, Int32(signal)) }
        if rc == 0 { rc = posix_spawnattr_setsigmask(&attributes, &noSignals) }
        if rc == 0 { rc = posix_spawnattr_setsigdefault(&attributes, &everySignal) }
        if rc == 0 { rc = posix_spawnattr_setpgroup(&attributes, 0) }
        if rc == 0 {
            rc = posix_spawnattr_setflags(&attributes,
                                          Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        }
        guard rc == 0 else {
            throw ClaimsFailure(.unavailable, "cannot prepare to run \(executable): \(String(cString: strerror(rc)))")
        }

        var pid: pid_t = 0
        let argv = [executable] + arguments
        let envp = environment.map { "\($0.0)=\($0.1)" }
        rc = CStringArray.with(argv) { argvPointer in
            CStringArray.with(envp) { envPointer in
                posix_spawn(&pid, executable, &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard rc == 0 else {
            throw ClaimsFailure(.unavailable, "cannot run \(executable): \(String(cString: strerror(rc)))")
        }
        return ChildProcess(pid: pid)
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34), `…_addchdir_np` (2.29) and `pipe2` are declared only
/// under _GNU_SOURCE, which Swift's Glibc module does not define; they are looked up once at run time and
/// skipped (or replaced) on an older C library.
enum SpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?,
                                                UnsafePointer<CChar>?) -> Int32

    static let addCloseFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    static let addChangeDirectory: ChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    static let pipe2: Pipe2? = symbol("pipe2")

    private static func symbol<T>(_ name: String) -> T? {
        // RTLD_DEFAULT is a null handle in glibc: search every loaded object.
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

/// A NULL-terminated `char *[]` that lives only inside `with`.
enum CStringArray {
    static func with<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// CLOCK_MONOTONIC in milliseconds: deadlines that wall-clock changes cannot move.
struct MonotonicTime {
    let milliseconds: Int64

    static func now() -> MonotonicTime {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicTime(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    func adding(milliseconds delta: Int64) -> MonotonicTime { MonotonicTime(milliseconds: milliseconds + delta) }

    func millisecondsFromNow() -> Int64 { milliseconds - MonotonicTime.now().milliseconds }
}
