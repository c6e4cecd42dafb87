import FuzzSupport
import Settings

@_cdecl("FuzzSettings_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzSettings)
}

/// The YAML settings loader (libyaml, the tree reader, every section's decoder): settings or errors that point at
/// the file, never a crash. Key files are not read (they could name any path).
func fuzzSettings(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: FuzzDriver.bytes(data, size), as: UTF8.self)
    switch SettingsLoader.parse(yaml: text, file: "fuzz.yaml", options: .init(checkKeyFiles: false)) {
    case .success: break
    case .failure(let errors):
        for error in errors.errors { precondition(error.description.hasPrefix("fuzz.yaml"), "\(error)") }
    }
    return 0
}
