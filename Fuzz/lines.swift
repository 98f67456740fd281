// The `lines` fuzz target: arbitrary bytes as a log, through the framer, each container log format's unwrapper and
// the record mapper of the default mapping and of every preset, checking that every line is accounted for once. The
// check is FuzzChecks.linesViolation, shared with FuzzRegressionTests; scripts/fuzz builds this file.

@testable import GraygateCore

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let violation = FuzzChecks.linesViolation(in: UnsafeRawBufferPointer(start: data, count: size)) {
        fatalError("lines: \(violation)")
    }
    return 0
}
