/// A block of input made of whole lines, the unit of work that parser threads take in turn.
struct Chunk: Sendable {
    /// The position of the input in the run's list of inputs.
    var inputIndex: Int

    /// The position of this chunk among all chunks of the run, for putting line numbers back in order.
    var sequence: Int

    /// Whether the chunk begins with line 1 of its input, where a byte order mark may stand.
    var startsInput: Bool

    var content: Content

    /// The container log format of the chunk's lines; the reader resolves `.automatic` before it cuts a chunk.
    var wrapper = LogWrapper.none

    /// Streams whose wrapped line began in an earlier chunk and was already rejected; their pieces in this
    /// chunk are dropped up to the final one.
    var discardingStreams = LogStreams()

    /// Whether the reader had to end the chunk inside open wrapped lines, which the parser then rejects as too long.
    var endsInsideLine = false

    enum Content: Sendable {
        /// Whole lines; only the last chunk of an input may end without a newline.
        case lines(ChunkBuffer)

        /// One line longer than the limit, dropped by the reader as it arrived.
        case oversizedLine(length: Int)

        /// The start of a line whose rest was lost where damaged input ended.
        case cutLine(length: Int)
    }
}

/// A reusable byte buffer for chunks, handed from the reader to a parser and back to the pool.
final class ChunkBuffer: @unchecked Sendable {
    private(set) var storage: UnsafeMutableRawBufferPointer

    /// The number of bytes filled.
    var count = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit {
        storage.deallocate()
    }

    var capacity: Int { storage.count }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// Grows the buffer to `capacity`, keeping the bytes filled so far.
    func grow(to capacity: Int) {
        guard capacity > storage.count else { return }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        larger.copyMemory(from: bytes)
        storage.deallocate()
        storage = larger
    }
}
