import HTTPServer
import Synchronization

/// Lets an asynchronous operation answer on the caller's thread when it completes before returning (field
/// errors, invalid tokens, verify, 503 when the hashing pool is full). Such an answer is returned directly instead
/// of making the event loop's mailbox round trip (an eventfd write and wake-up): under a login storm the
/// 503s cost less than a verify instead of more.
final class InlineAnswer: Sendable {
    private enum State {
        case running
        case answered(HTTPResponse)
        case returned
    }

    private let state = Mutex(State.running)
    private let deferred: DeferredResponse

    private init(_ deferred: DeferredResponse) { self.deferred = deferred }

    static func collect(_ deferred: DeferredResponse,
                        _ start: (@escaping @Sendable (HTTPResponse) -> Void) -> Void) -> HTTPResponse? {
        let inline = InlineAnswer(deferred)
        start { response in inline.answer(response) }
        return inline.finishCall()
    }

    private func answer(_ response: HTTPResponse) {
        let late = state.withLock { state -> Bool in
            guard case .running = state else { return true }
            state = .answered(response)
            return false
        }
        if late { deferred.complete(response) }
    }

    /// The answer given during the call, if any; later answers go to `deferred`.
    private func finishCall() -> HTTPResponse? {
        state.withLock { state -> HTTPResponse? in
            defer { state = .returned }
            if case .answered(let response) = state { return response }
            return nil
        }
    }
}
