import HTTPServer

/// The cookies a request carries (`Cookie: a=1; b=2`, RFC 6265 §5.4), looked up by name without building a
/// table: a cookie listener reads at most three of them per request.
public struct RequestCookies: Sendable {
    private let headers: [String]

    public init(_ request: HTTPRequest) {
        headers = request.headers.values(for: "Cookie")
    }

    /// The value of the first cookie called `name` (exact, case-sensitive), or nil. An empty value counts as
    /// absent: that is what a cleared cookie looks like.
    public func value(_ name: String) -> String? {
        for header in headers {
            for pair in header.utf8.split(separator: UInt8(ascii: ";")) {
                var part = pair[...]
                while part.first == UInt8(ascii: " ") || part.first == UInt8(ascii: "\t") { part = part.dropFirst() }
                guard let equals = part.firstIndex(of: UInt8(ascii: "=")),
                      part[part.startIndex..<equals].elementsEqual(name.utf8) else { continue }
                var value = part[part.index(after: equals)...]
                while value.last == UInt8(ascii: " ") || value.last == UInt8(ascii: "\t") { value = value.dropLast() }
                if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                    value = value.dropFirst().dropLast()
                }
                return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
            }
        }
        return nil
    }
}
