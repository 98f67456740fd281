// The `summary` fuzz target: arbitrary bytes as a summary file (.ggs), raw and gzip-compressed, which must decode or
// throw SummaryError. The check is FuzzChecks.summaryViolation, shared with FuzzRegressionTests; scripts/fuzz builds
// this file.

@testable import GraygateCore

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let violation = FuzzChecks.summaryViolation(in: UnsafeRawBufferPointer(start: data, count: size)) {
        fatalError("summary: \(violation)")
    }
    return 0
}
