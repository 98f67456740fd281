/// Reads one log input, plain or gzip, and frames its lines in order on the calling thread.
///
/// The format comes from the first two bytes, never the file name: 0x1F 0x8B starts a gzip member, and
/// anything else is read as plain text. Damage to a gzip stream (corrupt data, truncation, trailing garbage)
/// ends that input but not the run: every complete line before it has been framed, an unfinished line is
/// framed as `.cut`, and the damage is returned for the report. This is the sequential form of what the
/// parallel pipeline does: the same `ChunkReader` cuts the input, and each chunk is framed at once.
struct LogInput {
    /// The file path, or `-` for standard input.
    let path: String

    /// The maximum line length kept, in bytes.
    var maxLineLength = 16 << 20

    /// The size of each read from the file or pipe; a size below 2 bytes reads 2, so the gzip magic fits.
    var blockSize = 1 << 20

    /// The size of the chunks the input is cut into before framing.
    var chunkSize = 1 << 20

    /// The gzip decoder for gzip input.
    var decoder = GzipDecoderChoice.automatic

    /// Frames every line of the input, calling `handle` for each, and returns damage that ended it early.
    ///
    /// - Parameter onRead: called with the number of bytes of each block read from the file, for progress.
    /// - Throws: `InputError` when the input cannot be opened or read, or what `handle` throws.
    func readLines(
        onRead: (Int) -> Void = { _ in },
        _ handle: (FramedLine) throws -> Void
    ) throws -> InputError? {
        var reader = ChunkReader(path: path, inputIndex: 0, maxLineLength: maxLineLength,
                                 pool: ChunkBufferPool(bufferCapacity: chunkSize))
        reader.blockSize = blockSize
        reader.decoder = decoder
        var sequence = 0

        // The chunks arrive in order, so line numbers continue from one chunk to the next.
        var linesBefore = 0
        var failure: (any Error)?

        return try withoutActuallyEscaping(handle) { handle in
            let damage = try reader.read(nextSequence: &sequence, onRead: onRead) { chunk in
                guard failure == nil else { return }
                do {
                    switch chunk.content {
                    case .lines(let buffer):
                        var framer = LineFramer(maxLineLength: maxLineLength, stripsByteOrderMark: chunk.startsInput)
                        let offset = linesBefore
                        try framer.feed(buffer.bytes) { try handle($0.renumbered(after: offset)) }
                        try framer.finish { try handle($0.renumbered(after: offset)) }
                        linesBefore += framer.lineCount
                    case .oversizedLine(let length):
                        linesBefore += 1
                        try handle(.oversized(number: linesBefore, length: length))
                    case .cutLine(let length):
                        linesBefore += 1
                        try handle(.cut(number: linesBefore, length: length))
                    }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            return damage
        }
    }
}
