/// Why a request was refused before it reached the responder: the status to answer and a short public detail.
struct ParseFailure: Error, Equatable {
    let status: Int
    let detail: String

    init(_ status: Int, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    static func badRequest(_ detail: String) -> ParseFailure { ParseFailure(400, detail) }
}
