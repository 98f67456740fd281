// The `gzip` fuzz target: arbitrary bytes, and their gzip compression intact and damaged, through the zlib and ISA-L
// decoders, checking that the decoders agree and that their output blocks stay within their buffer. The check is
// FuzzChecks.gzipViolation, shared with FuzzRegressionTests; scripts/fuzz builds this file.

@testable import GraygateCore

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let violation = FuzzChecks.gzipViolation(in: UnsafeRawBufferPointer(start: data, count: size)) {
        fatalError("gzip: \(violation)")
    }
    return 0
}
