// The `config` fuzz target: arbitrary bytes as a configuration file, which must parse or throw ConfigurationError.
// The check is FuzzChecks.configurationViolation, shared with FuzzRegressionTests; scripts/fuzz builds this file.

@testable import GraygateCore

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let violation = FuzzChecks.configurationViolation(in: UnsafeRawBufferPointer(start: data, count: size)) {
        fatalError("config: \(violation)")
    }
    return 0
}
