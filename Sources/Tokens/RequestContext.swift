/// Where a request comes from, for decisions that depend on the client rather than the token (throttling,
/// audit lines). The HTTP layer fills it; the domain never reads HTTP itself.
public struct RequestContext: Sendable {
    /// The client's address ("127.0.0.1", "::1"), or "unix" for a Unix-socket peer.
    public var peer: String
    /// The index of the listener in `listen:` the request arrived on.
    public var listener: Int

    public init(peer: String, listener: Int) {
        self.peer = peer
        self.listener = listener
    }

    /// For callers outside any listener (tools, tests).
    public static let local = RequestContext(peer: "unix", listener: -1)
}
