import Glibc

/// Writes a synthetic log as a live service would: each line when the wall clock reaches its time, with
/// timestamps from the moment of the call. It feeds `graygate watch` in demos and tests.
///
/// - Parameters:
///   - parameters: The traffic, cohorts and injected regression; `requestsPerSecond` paces the output and
///     `startTimeMilliseconds` is replaced by the current time.
///   - lineLimit: The number of lines to write, or nil to write until `sink` throws.
///   - sink: Receives lines as they fall due, in batches of whole lines.
/// - Throws: `SimulationParameterError` before anything is written, and any error of `sink`.
public func simulateInRealTime(
    _ parameters: SimulationParameters,
    lineLimit: Int?,
    to sink: (UnsafeRawBufferPointer) throws -> Void
) throws {
    let start = unixSeconds()
    var parameters = parameters
    parameters.startTimeMilliseconds = Int64(start * 1000)
    var simulator = try LogSimulator(parameters: parameters)

    // Lines that are already due wait in the batch. The batch goes out before any wait for a later line and
    // whenever it is full, so no line is held back past its time by more than one batch write.
    let batchCapacity = 64 << 10
    var batch = [UInt8](repeating: 0, count: batchCapacity + simulator.maximumLineLength)
    var used = 0
    var remaining = lineLimit ?? -1
    while remaining != 0 {
        let length = batch.withUnsafeMutableBufferPointer { buffer in
            simulator.writeLine(to: buffer.baseAddress! + used)  // Safe: the batch has room for one line past capacity.
        }
        let due = start + simulator.elapsedSeconds
        if due > unixSeconds() {
            if used > 0 {
                try batch.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<used])) }
                batch.withUnsafeMutableBytes { bytes in
                    bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + used, byteCount: length)  // Safe: not empty.
                }
                used = 0
            }
            sleep(until: due)
        }
        used += length
        if remaining > 0 { remaining -= 1 }
        if used >= batchCapacity {
            try batch.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<used])) }
            used = 0
        }
    }
    if used > 0 {
        try batch.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<used])) }
    }
}

private func unixSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

private func sleep(until deadline: Double) {
    while true {
        let wait = deadline - unixSeconds()
        guard wait > 0 else { return }
        var request = timespec(tv_sec: Int(wait), tv_nsec: Int((wait - Double(Int(wait))) * 1e9))
        var remaining = timespec()
        nanosleep(&request, &remaining)
    }
}
