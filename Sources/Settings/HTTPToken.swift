/// RFC 9110's `token`: what header names and cookie names are made of.
enum HTTPToken {
    static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) }
    }
}
