import Platform
import Synchronization

/// What the event loops share about their connections, so that limits hold across loops: how many are open,
/// how many each client address holds, and how many bytes of answers wait to be sent.
final class ConnectionCounter: Sendable {
    enum Admission: Equatable {
        case admitted
        /// Every slot a connection of this kind may take is in use.
        case full
        /// This client address already holds its share (`maxConnectionsPerAddress`).
        case addressFull
    }

    /// Open client connections, all listeners together.
    let value = Atomic<Int>(0)
    /// Bytes queued for sending or read ahead (unsent output plus stashed input), all connections together.
    let bufferedBytes = Atomic<Int>(0)
    private let perAddress = Mutex<[String: Int]>([:])

    private let maxConnections: Int
    private let reservedForLocal: Int
    private let maxPerAddress: Int?
    private let exemptAddresses: [IPRange]

    init(configuration: HTTPServerConfiguration) {
        maxConnections = configuration.maxConnections
        reservedForLocal = configuration.reservedLocalConnections
        maxPerAddress = configuration.maxConnectionsPerAddress
        exemptAddresses = configuration.exemptAddresses
    }

    /// Counts a new connection, or refuses it. TCP connections may not take the share reserved for Unix-socket
    /// peers (local services keep working while the network floods the daemon), nor more than one address's share.
    func admit(peer: String, isTCP: Bool) -> Admission {
        let limit = isTCP ? maxConnections - reservedForLocal : maxConnections
        if value.add(1, ordering: .relaxed).newValue > limit {
            value.subtract(1, ordering: .relaxed)
            return .full
        }
        guard isTCP, let cap = maxPerAddress, !exemptAddresses.containsAddress(peer) else { return .admitted }
        let admitted = perAddress.withLock { counts -> Bool in
            let held = counts[peer, default: 0]
            guard held < cap else { return false }
            counts[peer] = held + 1
            return true
        }
        if !admitted {
            value.subtract(1, ordering: .relaxed)
            return .addressFull
        }
        return .admitted
    }

    /// Uncounts a connection that `admit` admitted.
    func release(peer: String, isTCP: Bool) {
        value.subtract(1, ordering: .relaxed)
        guard isTCP, maxPerAddress != nil, !exemptAddresses.containsAddress(peer) else { return }
        perAddress.withLock { counts in
            if let held = counts[peer], held > 1 { counts[peer] = held - 1 } else { counts[peer] = nil }
        }
    }

    /// Whether the table is nearly full, so that idle connections should make room for new ones.
    var isNearlyFull: Bool {
        value.load(ordering: .relaxed) * 10 >= maxConnections * 9
    }

    /// Whether the answers waiting across all connections exceed the server's output budget.
    func isOverBudget(_ budget: Int) -> Bool {
        bufferedBytes.load(ordering: .relaxed) > budget
    }
}
