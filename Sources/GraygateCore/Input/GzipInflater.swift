import CZlib

/// Inflates a gzip stream of one or more members, as rotated or appended logs concatenate them.
///
/// zlib's `inflate` stops at the end of each member. Where more input follows, the inflater resets and goes
/// on with the next member, the way `gzip -d` does, rather than treating the rest as an error. Input that ends
/// inside a member is reported by `finish()` as truncation. Bytes after a member that are not a gzip header
/// are reported as trailing garbage. Everything inflated before the damage has already reached the caller.
///
/// ```
/// let inflater = try GzipInflater(path: "app.log.gz")
/// try inflater.inflate(compressedChunk) { plainBytes in framer.feed(plainBytes) }
/// try inflater.finish()
/// ```
final class GzipInflater {
    /// zlib keeps pointers into its stream state, so the `z_stream` lives at a fixed heap address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: UnsafeMutableRawBufferPointer
    private let path: String
    private var members: GzipMembers

    /// Compressed bytes consumed so far, for locating damage in messages.
    var compressedOffset: UInt64 { members.compressedOffset }

    /// The compressed offset where the current member began; 0 for the first member.
    private var memberStartOffset: UInt64 = 0

    /// Creates an inflater; `path` names the input in error messages.
    ///
    /// - Parameter outputCapacity: bytes inflated per step; larger steps call the consumer less often.
    init(path: String, outputCapacity: Int = 256 << 10) throws(InputError) {
        self.path = path
        members = GzipMembers(path: path)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(byteCount: outputCapacity, alignment: 16)

        // Window bits 15 + 16 accept only gzip headers, so a stray zlib or raw stream is reported as corrupt.
        let code = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            output.deallocate()
            throw .inflaterSetupFailed(code: code)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Inflates `input` and passes each block of plain bytes to `consume` before returning.
    ///
    /// - Throws: `InputError.corruptGzip` or `.trailingGarbage`; plain bytes produced before the damage have
    ///   already been passed on.
    func inflate(
        _ input: UnsafeRawBufferPointer,
        into consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)

        while stream.pointee.avail_in > 0 {
            if members.isBetweenMembers {
                // Safe: avail_in > 0 means next_in points at input.
                try members.beginNextMember(stream.pointee.next_in!, available: Int(stream.pointee.avail_in))
                inflateReset(stream)
            }

            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let availableBefore = stream.pointee.avail_in
            let code = CZlib.inflate(stream, Z_NO_FLUSH)
            let consumed = availableBefore - stream.pointee.avail_in
            members.consumed(Int64(consumed))

            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 {
                try consume(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
            }

            switch code {
            case Z_OK:
                continue
            case Z_STREAM_END:
                members.endMember()
            case Z_BUF_ERROR:
                // No progress is possible with this input alone; more input will continue the member.
                if consumed == 0 && produced == 0 { return }
            default:
                if members.isInSecondMagicByte {
                    throw members.trailingGarbage
                }
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(code)"
                throw InputError.corruptGzip(path: path, compressedOffset: members.compressedOffset, reason: message)
            }
        }
    }

    /// Reports whether the stream ended cleanly at the end of input.
    ///
    /// - Throws: `InputError.truncatedGzip` when the input ended inside a member.
    func finish() throws(InputError) {
        try members.finish()
    }
}
