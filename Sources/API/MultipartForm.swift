/// Minimal `multipart/form-data` reader for the text fields a browser's `FormData` sends.
/// File parts are ignored (no endpoint takes files); a malformed body yields nil.
enum MultipartForm {
    static func decode(_ body: [UInt8], boundary: String) -> [(String, String)]? {
        let delimiter = Array("--\(boundary)".utf8)
        var fields: [(String, String)] = []
        guard var cursor = find(delimiter, in: body, from: 0) else { return nil }
        cursor += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF then a part.
            if hasPrefix(body, at: cursor, Array("--".utf8)) { return fields }
            guard hasPrefix(body, at: cursor, [13, 10]) else { return nil }
            cursor += 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: cursor) else { return nil }
            let headerText = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: contentStart) else { return nil }
            if let disposition = headerText.split(separator: "\r\n").first(where: {
                $0.lowercased().hasPrefix("content-disposition:")
            }) {
                let params = MediaType(String(disposition.dropFirst("content-disposition:".count))).parameters
                if let name = params["name"], params["filename"] == nil {
                    fields.append((name, String(decoding: body[contentStart..<next], as: UTF8.self)))
                }
            }
            cursor = next + 2 + delimiter.count
        }
    }

    private static func hasPrefix(_ body: [UInt8], at index: Int, _ prefix: [UInt8]) -> Bool {
        guard index + prefix.count <= body.count else { return false }
        return body[index..<index + prefix.count].elementsEqual(prefix)
    }

    private static func find(_ needle: [UInt8], in body: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, body.count >= needle.count else { return nil }
        var i = start
        let last = body.count - needle.count
        while i <= last {
            if body[i] == needle[0], body[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
