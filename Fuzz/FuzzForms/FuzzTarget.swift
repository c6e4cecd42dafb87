@testable import API
import FuzzSupport

@_cdecl("FuzzForms_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzForms)
}

private let contentTypes = [
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data; boundary=\"a b\"",
    "application/json", "text/plain", "multipart/form-data",
]

/// Form-urlencoded and multipart bodies as DRF's parsers read them, under a Content-Type the first byte picks:
/// fields or a 4xx error, never a crash.
func fuzzForms(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(FuzzDriver.bytes(data, size))
    guard let first = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    _ = FormURLEncoded.decode(body)
    _ = MultipartForm.decode(body, boundary: "xyz")
    do {
        let fields = try RequestFields.parse(body: body, contentType: contentTypes[Int(first) % contentTypes.count])
        _ = try? fields.strings(["username", "password"], untrimmed: ["password"])
    } catch {
        precondition((400..<500).contains(error.status), "a body was refused with \(error.status)")
    }
    return 0
}
