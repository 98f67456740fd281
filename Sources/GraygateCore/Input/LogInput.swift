/// Reads one log input, plain or gzip, and frames its lines.
///
/// The format comes from the first two bytes, never the file name: 0x1F 0x8B starts a gzip member, and
/// anything else is read as plain text. Damage to a gzip stream (corrupt data, truncation, trailing garbage)
/// ends that input but not the run: every complete line before it has been framed, an unfinished line is
/// framed as `.cut`, and the damage is returned for the report.
struct LogInput {
    /// The file path, or `-` for standard input.
    let path: String

    /// The maximum line length kept, in bytes.
    var maxLineLength = 16 << 20

    /// The size of each read from the file or pipe; a size below 2 bytes reads 2, so the gzip magic fits.
    var blockSize = 1 << 20

    /// Frames every line of the input, calling `handle` for each, and returns damage that ended it early.
    ///
    /// - Parameter onRead: called with the number of bytes of each block read from the file, for progress.
    /// - Throws: `InputError` when the input cannot be opened or read, or what `handle` throws.
    func readLines(
        onRead: (Int) -> Void = { _ in },
        _ handle: (FramedLine) throws -> Void
    ) throws -> InputError? {
        let reader = try FileReader(path: path)
        // The gzip check gathers two bytes into the buffer, so it must hold at least two.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(blockSize, 2), alignment: 64)
        defer { buffer.deallocate() }
        var framer = LineFramer(maxLineLength: maxLineLength)

        // Gather at least two bytes to check the gzip magic; a pipe may deliver one byte at first.
        var filled = 0
        while filled < 2 {
            let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
            onRead(count)
        }
        let isGzip = filled >= 2 && buffer[0] == 0x1F && buffer[1] == 0x8B

        if !isGzip {
            var block = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
            while !block.isEmpty {
                try framer.feed(block, handle)
                let count = try reader.read(into: buffer)
                onRead(count)
                block = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            }
            try framer.finish(handle)
            return nil
        }

        let inflater = try GzipInflater(path: path)
        var block = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
        do {
            while !block.isEmpty {
                try inflater.inflate(block) { plain in try framer.feed(plain, handle) }
                let count = try reader.read(into: buffer)
                onRead(count)
                block = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            }
            try inflater.finish()
        } catch let damage as InputError where damage.isDamage {
            try framer.finishAfterDamage(handle)
            return damage
        }
        try framer.finish(handle)
        return nil
    }
}
