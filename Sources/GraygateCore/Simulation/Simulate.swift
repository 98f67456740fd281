/// Writes a synthetic JSON-lines log for `parameters` to `sink`, plain or gzip-compressed.
///
/// With `gzip` on, the lines are split into `gzipMembers` consecutive gzip members whose line counts differ
/// by at most one, as if a rotated log had been concatenated. Decompressed, the output is byte for byte the
/// plain log. Memory stays flat for any request count because lines go to the sink in chunks of about
/// 1 MiB (plain) or as deflate produces them (gzip).
///
/// - Parameters:
///   - parameters: The traffic, cohorts and injected regression.
///   - gzip: Whether to compress the output.
///   - gzipMembers: The number of gzip members, at least 1; must be 1 when `gzip` is off.
///   - gzipLevel: The zlib compression level, from 0 to 9.
///   - sink: Receives the output in order. Its buffer is valid only during the call.
/// - Throws: `SimulationParameterError` for an out-of-range parameter, before anything is written;
///   `GzipError` when zlib fails; and any error `sink` throws, which stops the output.
public func simulate(
    _ parameters: SimulationParameters,
    gzip: Bool,
    gzipMembers: Int = 1,
    gzipLevel: Int = 6,
    to sink: (UnsafeRawBufferPointer) throws -> Void
) throws {
    if gzipMembers < 1 || (!gzip && gzipMembers != 1) {
        throw SimulationParameterError(
            parameter: "gzipMembers", requirement: gzip ? "at least 1" : "1 when gzip is off", value: "\(gzipMembers)")
    }
    if gzip && !(0...9).contains(gzipLevel) {
        throw SimulationParameterError(parameter: "gzipLevel", requirement: "between 0 and 9", value: "\(gzipLevel)")
    }

    var simulator = try LogSimulator(parameters: parameters)
    guard gzip else {
        try simulator.writeLines(parameters.requestCount, to: sink)
        return
    }

    let writer = try GzipWriter(level: gzipLevel)
    let (linesPerMember, extraLines) = parameters.requestCount.quotientAndRemainder(dividingBy: gzipMembers)
    for member in 0..<gzipMembers {
        let lineCount = linesPerMember + (member < extraLines ? 1 : 0)
        try simulator.writeLines(lineCount) { chunk in
            try writer.write(chunk, to: sink)
        }
        try writer.finishMember(to: sink)
    }
}
