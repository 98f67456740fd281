import CZlib

/// A gzip compressor over zlib's deflate that passes compressed bytes to a sink as they are produced.
///
/// One writer can produce several gzip members in a row, as log rotation and `cat a.gz b.gz` do:
/// `finishMember(to:)` ends the current member, and the next `write(_:to:)` starts another. Readers such as
/// `gzip -d` treat the concatenation as one stream.
///
///     let writer = try GzipWriter(level: 6)
///     try writer.write(bytes, to: sink)
///     try writer.finishMember(to: sink)
///
/// The output of the last member is complete only after `finishMember(to:)`.
final class GzipWriter {
    /// zlib's state. zlib keeps pointers into it, so it lives on the heap at one address for the writer's
    /// whole life, and Swift never moves or copies it.
    private let stream: UnsafeMutablePointer<z_stream>

    /// The buffer that deflate fills before its contents go to the sink.
    private let outputBuffer: UnsafeMutableBufferPointer<UInt8>

    /// The compression level, from 0 (store only) to 9 (smallest output).
    let level: Int

    /// Creates a writer whose first member starts with the first `write(_:to:)`.
    ///
    /// - Parameters:
    ///   - level: The zlib compression level, from 0 to 9.
    ///   - outputBufferSize: The size, in bytes, of the buffer passed to the sink at most once per deflate call.
    /// - Throws: `GzipError.invalidLevel` for a level outside 0...9, or `GzipError.zlib` when zlib fails to
    ///   initialize.
    init(level: Int = 6, outputBufferSize: Int = 256 * 1024) throws {
        guard (0...9).contains(level) else {
            throw GzipError.invalidLevel(level)
        }
        precondition(outputBufferSize > 0 && outputBufferSize <= Int(UInt32.max), "output buffer size out of range")

        self.level = level
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        outputBuffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: outputBufferSize)

        // windowBits 15 + 16 selects the largest window and a gzip header and trailer in place of zlib's.
        // memLevel 8 is zlib's default.
        let code = deflateInit2_(
            stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            let error = GzipError.zlib(function: "deflateInit2", code: code, message: Self.message(for: code, stream))
            stream.deinitialize(count: 1)
            stream.deallocate()
            outputBuffer.deallocate()
            throw error
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        outputBuffer.deallocate()
    }

    /// Compresses `bytes` into the current member, passing any compressed output to `sink`.
    ///
    /// deflate buffers input internally, so a call may produce no output at all.
    func write(_ bytes: UnsafeRawBufferPointer, to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var remaining = bytes
        while !remaining.isEmpty {
            // avail_in is 32 bits wide, so larger inputs go in several pieces.
            let pieceSize = min(remaining.count, Int(UInt32.max))
            // deflate only reads through next_in; zlib declares it mutable for its own reasons.
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: remaining.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(pieceSize)
            try runDeflate(flush: Z_NO_FLUSH, to: sink)
            remaining = UnsafeRawBufferPointer(rebasing: remaining[pieceSize...])
        }
        stream.pointee.next_in = nil
    }

    /// Ends the current gzip member, passing its remaining output and trailer to `sink`, and prepares the
    /// writer for the next member.
    ///
    /// Finishing a member with no input writes an empty member, which gzip readers accept.
    func finishMember(to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try runDeflate(flush: Z_FINISH, to: sink)

        let code = deflateReset(stream)
        guard code == Z_OK else {
            throw GzipError.zlib(function: "deflateReset", code: code, message: Self.message(for: code, stream))
        }
    }

    /// Calls deflate until it has consumed all input and, for Z_FINISH, written the member trailer.
    private func runDeflate(flush: Int32, to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            stream.pointee.next_out = outputBuffer.baseAddress
            stream.pointee.avail_out = uInt(outputBuffer.count)

            let code = deflate(stream, flush)
            // Z_BUF_ERROR only means that this call could make no progress, which is not an error.
            guard code == Z_OK || code == Z_STREAM_END || code == Z_BUF_ERROR else {
                throw GzipError.zlib(function: "deflate", code: code, message: Self.message(for: code, stream))
            }

            let producedCount = outputBuffer.count - Int(stream.pointee.avail_out)
            if producedCount > 0 {
                try sink(UnsafeRawBufferPointer(start: outputBuffer.baseAddress, count: producedCount))
            }

            if flush == Z_FINISH {
                if code == Z_STREAM_END { return }
            } else if stream.pointee.avail_out != 0 {
                // Spare output room means deflate consumed all input and has nothing pending to write.
                return
            }
        }
    }

    /// Returns zlib's message for the stream's last error, or the generic text for `code` when there is none.
    private static func message(for code: Int32, _ stream: UnsafeMutablePointer<z_stream>) -> String {
        if let message = stream.pointee.msg {
            return String(cString: message)
        }
        return String(cString: zError(code))
    }
}

/// A failure of gzip compression.
public enum GzipError: Error, Equatable, CustomStringConvertible {
    /// A compression level outside zlib's 0...9.
    case invalidLevel(Int)

    /// A zlib call that returned an error code, with zlib's message.
    case zlib(function: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .invalidLevel(let level):
            return "gzip level must be between 0 and 9, got \(level)"
        case .zlib(let function, let code, let message):
            return "zlib \(function) failed with code \(code): \(message)"
        }
    }
}
