#if canImport(Glibc)
import Glibc
#endif
import Platform
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
        let stdin = try Self.pipe()
        try prefill(stdin.write, with: input)
        stdin.write.close()
        let stdout = try Self.pipe()
        let stderr = try Self.pipe()
        try Self.setNonBlocking(stdout.read)
        try Self.setNonBlocking(stderr.read)
        let deadline = MonotonicClock.now() + MonotonicClock.nanoseconds(timeout.seconds)

        let child = try spawn(stdin: stdin.read.raw, stdout: stdout.write.raw, stderr: stderr.write.raw)
        // Only the child holds these now; keeping them open here would hide its EOF.
        stdin.read.close()
        stdout.write.close()
        stderr.write.close()

        var output: [UInt8] = [], errorOutput: [UInt8] = []
        var open = [stdout.read, stderr.read]
        while !open.isEmpty {
            guard MonotonicClock.milliseconds(until: deadline) > 0 else { return try timedOut(child) }
            var polled = open.map { pollfd(fd: $0.raw, events: Int16(POLLIN), revents: 0) }
            do {
                // Each retry after EINTR waits only for what is left until the deadline.
                _ = try SystemCall.value("poll") {
                    let remaining = max(0, MonotonicClock.milliseconds(until: deadline))
                    return Int(Glibc.poll(&polled, nfds_t(polled.count), Int32(clamping: remaining)))
                }
            } catch {
                throw ClaimsFailure(.unavailable, "\(error)")
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
            let remaining = MonotonicClock.milliseconds(until: deadline)
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
    private func drain(_ descriptor: FileDescriptor, upTo limit: Int) -> (bytes: [UInt8], ended: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while bytes.count <= limit {
            let result = try? SystemCall.run("read") {
                buffer.withUnsafeMutableBytes { read(descriptor.raw, $0.baseAddress, $0.count) }
            }
            switch result {
            case .value(let count) where count > 0: bytes += buffer[0..<count]
            case .wouldBlock: return (bytes, false)
            case .value, nil: return (bytes, true)  // end of file, or an error
            }
        }
        return (bytes, false)
    }

    private func prefill(_ pipe: FileDescriptor, with input: [UInt8]) throws(ClaimsFailure) {
        guard input.count <= Self.maxInputBytes else {
            throw ClaimsFailure(.tooLarge, "the input for \(executable) is \(input.count) bytes, more than \(Self.maxInputBytes)")
        }
        if input.count > 65_536 {
            // F_SETPIPE_SZ (Linux), not exported by Glibc's Swift module.
            let setPipeSize: Int32 = 1031
            let size: Int
            do {
                size = try SystemCall.value("fcntl(F_SETPIPE_SZ)") { Int(fcntl(pipe.raw, setPipeSize, Int32(input.count))) }
            } catch {
                throw ClaimsFailure(.tooLarge, "cannot grow a pipe to \(input.count) bytes for \(executable): \(error)")
            }
            guard size >= input.count else {
                throw ClaimsFailure(.tooLarge, "cannot grow a pipe to \(input.count) bytes for \(executable): "
                    + "the kernel made it \(size) bytes")
            }
        }
        // Non-blocking: a pipe without room for the input fails at once (EAGAIN) instead of hanging.
        try Self.setNonBlocking(pipe)
        do {
            try pipe.writeAll(input)
        } catch {
            throw ClaimsFailure(.unavailable, "cannot write the input for \(executable): \(error)")
        }
    }

    /// A pipe whose two ends are close-on-exec (`posix_spawn` dup2s the child's end, which clears the flag there).
    private static func pipe() throws(ClaimsFailure) -> (read: FileDescriptor, write: FileDescriptor) {
        do {
            return try FileDescriptor.pipe()
        } catch {
            throw ClaimsFailure(.unavailable, "cannot create a pipe: \(error)")
        }
    }

    private static func setNonBlocking(_ pipe: FileDescriptor) throws(ClaimsFailure) {
        do {
            try pipe.setNonBlocking()
        } catch {
            throw ClaimsFailure(.unavailable, "cannot make a pipe non-blocking: \(error)")
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

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `…_addchdir_np` (2.29) are declared only under
/// _GNU_SOURCE, which Swift's Glibc module does not define; they are looked up once at run time and skipped on
/// an older C library.
enum SpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?,
                                                UnsafePointer<CChar>?) -> Int32

    static let addCloseFrom: CloseFrom? = DynamicSymbol.lookup("posix_spawn_file_actions_addclosefrom_np")
    static let addChangeDirectory: ChangeDirectory? = DynamicSymbol.lookup("posix_spawn_file_actions_addchdir_np")
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
