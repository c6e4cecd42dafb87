import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion and captures its output — shared by every test target that drives a real
/// binary (authd itself, python3, openssl).
public struct TestProcess {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: [UInt8]
        public let stderr: [UInt8]
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable` (an absolute path, or a name looked up in PATH) with `arguments`, feeding `stdin`.
    /// Output is drained concurrently, so a child that writes a lot to both streams cannot deadlock.
    public static func run(
        _ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [], environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> Output {
        let process = configured(executable, arguments, environment: environment, currentDirectory: currentDirectory)
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try launch(process, executable)
        let collected = Collected()
        let group = DispatchGroup()
        for (handle, isStdout) in [(output.fileHandleForReading, true), (errors.fileHandleForReading, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                collected.set([UInt8](data), stdout: isStdout)
                group.leave()
            }
        }
        if !stdin.isEmpty { input.fileHandleForWriting.write(Data(stdin)) }
        try? input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        let (out, err) = collected.get()
        return Output(status: process.terminationStatus, stdout: out, stderr: err)
    }

    /// Runs `executable` with its output appended to `logFile` and standard input empty, reaping it with waitpid(2)
    /// itself; answers its exit status. For commands run while other threads of the test are busy (a load running):
    /// Foundation's `Process` learns of a child's exit from SIGCHLD through a signalfd, and a busy thread that
    /// accepts the signal first makes it wait forever. Also, nothing the command leaves running (a server it
    /// starts) can hold a pipe of ours open.
    public static func runLogged(_ executable: String, _ arguments: [String], logFile: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw LaunchError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw LaunchError(description: "waitpid failed: errno \(errno)") }
        }
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Starts `executable` in the background (standard input empty and closed) and returns at once; both output
    /// streams are collected as they arrive, so a test can wait for what the program prints.
    public static func start(
        _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> Running {
        let process = configured(executable, arguments, environment: environment, currentDirectory: currentDirectory)
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        let running = Running(process)
        process.terminationHandler = { _ in running.changed() }
        try launch(process, executable)
        running.collect(output.fileHandleForReading, stdout: true)
        running.collect(errors.fileHandleForReading, stdout: false)
        return running
    }

    /// A Process for `executable`: an absolute path, or a name looked up in PATH (through /usr/bin/env).
    private static func configured(
        _ executable: String, _ arguments: [String], environment: [String: String]?, currentDirectory: String?
    ) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : "/usr/bin/env")
        process.arguments = executable.contains("/") ? arguments : [executable] + arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        return process
    }

    private static func launch(_ process: Process, _ executable: String) throws {
        do {
            try process.run()
        } catch {
            throw LaunchError(description: "cannot start \(executable): \(error)")
        }
    }

    /// A program started by `start`: its output so far, waits on what it prints or on its exit, signals.
    public final class Running: @unchecked Sendable {
        public struct State {
            public let stdout: String
            public let stderr: String
            /// The program exited and both its streams reached end of file: nothing more will arrive.
            public let finished: Bool
        }

        private let process: Process
        private let condition = NSCondition()
        private var out: [UInt8] = []
        private var err: [UInt8] = []
        private var openStreams = 2

        fileprivate init(_ process: Process) { self.process = process }

        public var pid: Int32 { process.processIdentifier }
        public var isRunning: Bool { process.isRunning }
        public var state: State {
            condition.lock()
            defer { condition.unlock() }
            return snapshot()
        }

        /// Waits until `predicate` holds for what the program printed so far, re-checking each time more output
        /// arrives or the program exits (no polling). False if it does not hold by the deadline, or once the program
        /// has finished without it holding. (`predicate` runs under the lock: it must not call back into this object.)
        public func wait(timeout: TimeInterval, until predicate: (State) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock()
            defer { condition.unlock() }
            while true {
                let now = snapshot()
                if predicate(now) { return true }
                if now.finished { return false }
                if !condition.wait(until: deadline) { return predicate(snapshot()) }
            }
        }

        private func snapshot() -> State {
            State(stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                  finished: openStreams == 0 && !process.isRunning)
        }

        public func signal(_ number: Int32) { _ = kill(process.processIdentifier, number) }

        /// Waits for the program to exit and for the rest of its output; returns its exit status.
        @discardableResult
        public func waitUntilExit() -> Int32 {
            process.waitUntilExit()
            _ = wait(timeout: 5) { $0.finished }   // a grandchild holding the pipe open cannot stall a test
            return process.terminationStatus
        }

        fileprivate func changed() {
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }

        /// One thread per stream, blocked in read: nothing is lost and nothing is waited for by polling.
        fileprivate func collect(_ handle: FileHandle, stdout: Bool) {
            let thread = Thread { [self] in
                while true {
                    let data = handle.availableData
                    condition.lock()
                    if data.isEmpty { openStreams -= 1 } else if stdout { out += data } else { err += data }
                    condition.broadcast()
                    condition.unlock()
                    if data.isEmpty { break }
                }
                try? handle.close()
            }
            thread.start()
        }
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out: [UInt8] = []
        private var err: [UInt8] = []
        func set(_ bytes: [UInt8], stdout: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if stdout { out = bytes } else { err = bytes }
        }
        func get() -> ([UInt8], [UInt8]) {
            lock.lock()
            defer { lock.unlock() }
            return (out, err)
        }
    }
}
