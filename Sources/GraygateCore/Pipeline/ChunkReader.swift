import Glibc

/// Reads one input, plain or gzip, and cuts it into chunks of whole lines.
///
/// The format comes from the first two bytes, as in `LogInput`. Damage to a gzip stream ends the input:
/// the complete lines before it are sent, the unfinished line goes on as `.cutLine`, and the damage is
/// returned for the report.
///
/// NOTE: the members of a multi-member file are inflated one after another on this thread. Parsing bounds
/// a run on two cores today; with more cores, members could be inflated in parallel.
struct ChunkReader {
    let path: String
    let inputIndex: Int
    let maxLineLength: Int
    let pool: ChunkBufferPool

    /// The size of each read from the file or pipe.
    var blockSize = 1 << 20

    /// The gzip decoder for gzip input.
    var decoder = GzipDecoderChoice.automatic

    /// The container log format of the input's lines, from `input.wrapper`.
    var wrapper = LogWrapper.automatic

    /// Time spent in `read(2)`, for `--stats`.
    private(set) var readSeconds = 0.0

    /// Time spent inflating gzip and handing its output on, for `--stats`.
    private(set) var inflateSeconds = 0.0

    /// The part of `inflateSeconds` spent waiting to hand chunks on.
    private(set) var waitSecondsDuringInflate = 0.0

    /// Returns the total time spent waiting to hand chunks on, so inflate time can exclude it.
    var waitedSeconds: () -> Double = { 0 }

    /// The bytes of log text read, after inflating gzip.
    private(set) var plainBytes: UInt64 = 0

    init(path: String, inputIndex: Int, maxLineLength: Int, pool: ChunkBufferPool) {
        self.path = path
        self.inputIndex = inputIndex
        self.maxLineLength = maxLineLength
        self.pool = pool
    }

    /// Reads the whole input, passing each chunk to `emit` in order, and returns damage that ended it early.
    ///
    /// - Parameters:
    ///   - nextSequence: the sequence number of the next chunk; advanced for every chunk emitted.
    ///   - onRead: called with the number of bytes of each block read.
    mutating func read(
        nextSequence: inout Int,
        onRead: (Int) -> Void,
        emit: @escaping (Chunk) -> Void
    ) throws(InputError) -> InputError? {
        let reader = try FileReader(path: path)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: max(blockSize, 2), alignment: 64)
        defer { block.deallocate() }
        let chunker = LineChunker(inputIndex: inputIndex, firstSequence: nextSequence, maxLineLength: maxLineLength,
                                  wrapper: wrapper, pool: pool, emit: emit)
        defer {
            nextSequence = chunker.nextSequence
            plainBytes = chunker.plainBytes
        }

        // Gather at least two bytes to check the gzip magic; a pipe may deliver one byte at first.
        var filled = 0
        while filled < 2 {
            let count = try timedRead(reader, into: UnsafeMutableRawBufferPointer(rebasing: block[filled...]))
            if count == 0 { break }
            filled += count
            onRead(count)
        }
        let isGzip = filled >= 2 && block[0] == 0x1F && block[1] == 0x8B

        if !isGzip {
            // Plain input is read straight into the chunk buffers, so its bytes are never copied.
            chunker.append(UnsafeRawBufferPointer(rebasing: block[0..<filled]))
            while true {
                let count = try timedRead(reader, into: chunker.reserveSpace(upTo: blockSize))
                onRead(count)
                if count == 0 { break }
                chunker.commit(count)
            }
            chunker.finish()
            return nil
        }

        let inflater = try decoder.makeDecoder(path: path)
        var count = filled
        do {
            while count > 0 {
                let start = monotonicSeconds()
                let waitedBefore = waitedSeconds()
                try inflater.inflate(UnsafeRawBufferPointer(rebasing: block[0..<count])) { plain in
                    chunker.append(plain)
                }
                inflateSeconds += monotonicSeconds() - start
                waitSecondsDuringInflate += waitedSeconds() - waitedBefore
                count = try timedRead(reader, into: block)
                onRead(count)
            }
            try inflater.finish()
        } catch let damage as InputError where damage.isDamage {
            chunker.finishAfterDamage()
            return damage
        } catch let error as InputError {
            throw error
        } catch {
            preconditionFailure("the inflater throws only InputError: \(error)")
        }
        chunker.finish()
        return nil
    }

    private mutating func timedRead(_ reader: FileReader, into block: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let start = monotonicSeconds()
        defer { readSeconds += monotonicSeconds() - start }
        return try reader.read(into: block)
    }
}

/// Cuts a byte stream into chunks that end at a newline.
///
/// Each chunk ends at the last newline of a filled buffer, and the bytes after it start the next chunk, so
/// no line is split between parsers. A line longer than `maxLineLength` is dropped as it arrives and sent
/// on as `.oversizedLine`, so memory stays bounded. A shorter line that fills a buffer grows the buffer.
///
/// In a wrapped log (CRI or Docker json-file) a chunk ends instead at the last newline where no stream has
/// an open line, found by `WrappedLineCutter`, so every piece of a line goes to the same parser. Where open
/// lines leave no such point, the buffer grows to `WrappedLineCutter.maxBufferWithOpenLines`. Past that the
/// chunk is cut at its last newline and marked, so its parser rejects the open lines as too long.
private final class LineChunker {
    let inputIndex: Int
    let maxLineLength: Int
    let pool: ChunkBufferPool
    let emit: (Chunk) -> Void
    private(set) var nextSequence: Int

    private var cutter: WrappedLineCutter

    /// The streams whose pieces the parser of the current buffer's chunk must drop.
    private var discardingAtStart = LogStreams()

    /// The bytes taken in so far.
    private(set) var plainBytes: UInt64 = 0

    private var buffer: ChunkBuffer?
    private var startsInput = true

    /// The length so far of an overlong line being dropped, or nil.
    private var discardedLength: Int?

    /// Space for reads while an overlong line is dropped.
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64)

    deinit {
        scratch.deallocate()
    }

    init(inputIndex: Int, firstSequence: Int, maxLineLength: Int, wrapper: LogWrapper, pool: ChunkBufferPool,
         emit: @escaping (Chunk) -> Void) {
        self.inputIndex = inputIndex
        self.nextSequence = firstSequence
        self.maxLineLength = maxLineLength
        cutter = WrappedLineCutter(wrapper: wrapper, maxLineLength: maxLineLength)
        self.pool = pool
        self.emit = emit
    }

    /// Returns free space at the end of the current buffer for the caller to fill, then `commit(_:)`.
    ///
    /// While an overlong line is being dropped, the space is a scratch area whose bytes `commit` scans for
    /// the line's end.
    func reserveSpace(upTo size: Int) -> UnsafeMutableRawBufferPointer {
        while true {
            if discardedLength != nil {
                if scratch.count < size {
                    scratch.deallocate()
                    scratch = .allocate(byteCount: size, alignment: 64)
                }
                return UnsafeMutableRawBufferPointer(rebasing: scratch[0..<size])
            }
            let target = buffer ?? pool.acquire()
            buffer = target
            let room = min(size, target.capacity - target.count)
            if room > 0 {
                return UnsafeMutableRawBufferPointer(rebasing: target.storage[target.count..<(target.count + room)])
            }
            cutFullBuffer(target)  // A full buffer leaves no room; a read of zero bytes would mean the end.
        }
    }

    /// Takes `count` bytes written into the space from `reserveSpace(upTo:)`.
    func commit(_ count: Int) {
        if discardedLength != nil {
            append(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
            return
        }
        plainBytes += UInt64(count)
        let target = buffer!  // Safe: reserveSpace set it.
        target.count += count
        if target.count == target.capacity {
            cutFullBuffer(target)
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        plainBytes += UInt64(bytes.count)
        var remaining = bytes
        while !remaining.isEmpty {
            if let discarded = discardedLength {
                // Inside an overlong line: drop bytes up to its newline, counting them.
                guard let newline = remaining.firstIndex(of: 0x0A) else {
                    discardedLength = discarded + remaining.count
                    return
                }
                send(.oversizedLine(length: discarded + newline))
                cutter.skip(lineLength: discarded + newline)
                discardedLength = nil
                remaining = UnsafeRawBufferPointer(rebasing: remaining[(newline + 1)...])
                continue
            }

            let target = buffer ?? pool.acquire()
            buffer = target
            let copied = min(target.capacity - target.count, remaining.count)
            UnsafeMutableRawBufferPointer(rebasing: target.storage[target.count..<(target.count + copied)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: remaining[0..<copied]))
            target.count += copied
            remaining = UnsafeRawBufferPointer(rebasing: remaining[copied...])
            if target.count == target.capacity {
                cutFullBuffer(target)
            }
        }
    }

    /// Sends the last chunk, which may end without a newline.
    func finish() {
        if let discarded = discardedLength {
            send(.oversizedLine(length: discarded))
            discardedLength = nil
        }
        if let last = buffer {
            buffer = nil
            if last.count > 0 {
                cutter.scan(last.bytes, throughEnd: true)  // An input of one line needs its wrapper decided too.
                send(.lines(last))
            } else {
                pool.release(last)
            }
        }
    }

    /// Sends the complete lines before damage, and the unfinished line as `.cutLine`.
    func finishAfterDamage() {
        if let discarded = discardedLength {
            discardedLength = nil
            send(.cutLine(length: discarded))
        }
        guard let last = buffer, last.count > 0 else {
            finish()
            return
        }
        buffer = nil
        let complete = last.bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let cut = last.count - complete
        if complete > 0 {
            last.count = complete
            cutter.scan(last.bytes)
            send(.lines(last))
        } else {
            pool.release(last)
        }
        if cut > 0 { send(.cutLine(length: cut)) }
    }

    /// Sends a full buffer up to its last newline, or in a wrapped log up to its last place without open
    /// lines, and carries the rest into a new buffer.
    private func cutFullBuffer(_ full: ChunkBuffer) {
        cutter.scan(full.bytes)
        if cutter.readsLines, let cut = cutter.lastCut {
            carry(full, after: cut.end, discarding: cut.discarding, endsInsideLine: false)
            return
        }

        // The last line is short next to a chunk, so the backward search ends quickly.
        guard let lastNewline = full.bytes.lastIndex(of: 0x0A) else {
            // One line fills the buffer: grow it while the line may still be within the limit, else drop it.
            if full.capacity <= maxLineLength {
                full.grow(to: min(full.capacity * 2, maxLineLength + 1))
            } else {
                discardedLength = full.count
                full.count = 0
                cutter.moveBuffer(after: 0)
            }
            return
        }
        guard cutter.readsLines else {
            carry(full, after: lastNewline + 1, discarding: [], endsInsideLine: false)
            return
        }

        // Open wrapped lines run through the whole buffer: wait for their final pieces, up to a bound.
        if full.capacity < cutter.maxBufferWithOpenLines {
            full.grow(to: min(full.capacity * 2, cutter.maxBufferWithOpenLines))
            return
        }
        // NOTE: only open lines of both streams that overlap one another, or a physical line over the limit
        // inside an open line, get here. Where the cut falls then depends on the chunk size.
        carry(full, after: lastNewline + 1, discarding: cutter.cutInsideOpenLines(), endsInsideLine: true)
    }

    /// Sends `full` up to `end` and carries the bytes after it into a new buffer.
    private func carry(_ full: ChunkBuffer, after end: Int, discarding: LogStreams, endsInsideLine: Bool) {
        let next = pool.acquire()
        let carried = full.count - end
        next.grow(to: carried)  // Only a buffer grown for a long line can carry more than a pooled one holds.
        UnsafeMutableRawBufferPointer(rebasing: next.storage[0..<carried])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: full.bytes[end...]))
        next.count = carried
        full.count = end
        buffer = next
        cutter.moveBuffer(after: end)
        send(.lines(full), endsInsideLine: endsInsideLine)
        discardingAtStart = discarding
    }

    private func send(_ content: Chunk.Content, endsInsideLine: Bool = false) {
        emit(Chunk(inputIndex: inputIndex, sequence: nextSequence, startsInput: startsInput, content: content,
                   wrapper: cutter.chunkWrapper, discardingStreams: discardingAtStart, endsInsideLine: endsInsideLine))
        nextSequence += 1
        startsInput = false
    }
}

/// Returns seconds from a monotonic clock, for measuring stages.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
