import FuzzSupport
import JSON

@_cdecl("FuzzJSON_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzJSON)
}

/// The strict JSON parser: never crashes; what it accepts serializes to text that parses back to the same value.
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let value = try? JSON.parse(FuzzDriver.bytes(data, size)) else { return 0 }
    let text = JSON.serialize(value)
    guard let again = try? JSON.parse(text) else { preconditionFailure("serialized JSON does not parse: \(text)") }
    precondition(again == value || "\(again)" == "\(value)", "round trip changed the value")
    return 0
}
