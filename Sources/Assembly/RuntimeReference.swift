import Synchronization

/// The one reference to the current `Runtime`. Readers take the runtime once per request; `replace` swaps in a
/// new one atomically (SIGHUP reload), and the old one lives on until its last request lets go of it.
public final class RuntimeReference: Sendable {
    private let current: Mutex<Runtime>

    public init(_ runtime: Runtime) { current = Mutex(runtime) }

    public var runtime: Runtime { current.withLock { $0 } }

    /// Installs `runtime` for every later request and answers the one it replaced.
    @discardableResult
    public func replace(with runtime: Runtime) -> Runtime {
        current.withLock { current in
            defer { current = runtime }
            return current
        }
    }
}
