import Foundation
import Synchronization

/// Time and throughput of each stage of a run, printed by `analyze --stats`.
public struct PipelineStatistics: Sendable, Equatable {
    public var workers = 0

    /// The gzip decoder used for gzip inputs.
    public var gzipDecoder = GzipDecoderChoice.automatic.resolved

    /// Bytes read from the inputs, compressed for gzip.
    public var bytesRead: UInt64 = 0

    /// Bytes of log text, after inflating gzip.
    public var plainBytes: UInt64 = 0
    public var linesRead = 0
    public var wallSeconds = 0.0
    public var readSeconds = 0.0

    /// Seconds the reader spent decoding gzip and cutting its output into chunks, waits excluded.
    public var inflateSeconds = 0.0

    /// Seconds the reader waited for the parsers to take chunks: high when parsing bounds the run.
    public var readerWaitSeconds = 0.0

    /// Seconds each parser thread spent parsing, in worker order.
    public var parseSeconds: [Double] = []
    public var mergeSeconds = 0.0

    /// Lines rejected among the logs read (not counting merged summaries).
    public var rejectedLines = 0
    public var judgeSeconds = 0.0
}

/// Reads the inputs on the calling thread and parses their chunks on parser threads.
///
/// The reader cuts each input into chunks of whole lines (inflating gzip on its own thread, so inflating
/// and parsing overlap) and hands them through a bounded queue to `workerCount` parsers, each with its own
/// summary. At the end the summaries merge and rejected-line examples are renumbered from chunk-relative to
/// input line numbers. Every accumulator merges exactly and order-independently, so the report is the same
/// for any number of workers and any chunk size.
///
/// A mapping with `events` parses on one thread whatever `workerCount` is, because the two lines of a pair can
/// fall into chunks of different workers, and the pairing with its `max_pending` eviction must see the
/// lines in input order to give the same result on every run. Reading and inflating still overlap parsing.
struct ParallelSummarizer {
    let configuration: Configuration
    let workerCount: Int

    /// The size of a chunk; about 2,500 lines of a typical inference log.
    var chunkSize = 512 << 10

    /// The size of each read from the file or pipe.
    var blockSize = 1 << 20

    /// The number of rejected lines kept as examples.
    var maxExamples = 20

    /// The gzip decoder for gzip inputs.
    var decoder = GzipDecoderChoice.automatic

    /// The cohort of every request of an input, by input position, for logs that name no cohort.
    var inputCohorts: [Int: Cohort] = [:]

    /// Returns the number of parser threads a run uses: one when events are paired, else `requested`.
    static func parserCount(requested: Int, mapping: Mapping) -> Int {
        mapping.events == nil ? requested : 1
    }

    func summarize(inputs: [String], observer: (any AnalysisObserver)?) throws -> (LogSummary, PipelineStatistics) {
        let workerCount = Self.parserCount(requested: self.workerCount, mapping: configuration.mapping)
        let started = monotonicSeconds()
        let queue = ChunkQueue(capacity: 2 * workerCount)
        let pool = ChunkBufferPool(bufferCapacity: chunkSize)
        let progress = ProgressCounter()
        let results = ParserResults(count: workerCount)
        let group = DispatchGroup()

        for worker in 0..<workerCount {
            group.enter()
            let configuration = self.configuration
            let maxExamples = self.maxExamples
            let inputCohorts = self.inputCohorts
            let thread = Thread {
                var parser = ChunkParser(configuration: configuration, paths: inputs, maxExamples: maxExamples)
                parser.inputCohorts = inputCohorts
                while let chunk = queue.pop() {
                    let lines = parser.parse(chunk)
                    if case .lines(let buffer) = chunk.content { pool.release(buffer) }
                    progress.lines.add(lines, ordering: .relaxed)
                }
                parser.finish()
                results.store(parser, at: worker)
                group.leave()
            }
            // Deeply nested lines recurse in the scanner; the default secondary-thread stack is small.
            thread.stackSize = 8 << 20
            thread.start()
        }

        var statistics = PipelineStatistics()
        statistics.workers = workerCount
        statistics.gzipDecoder = decoder.resolved
        var sequence = 0
        var inputStarts: [Int] = []
        var damage: [InputDamage] = []
        do {
            for (index, path) in inputs.enumerated() {
                inputStarts.append(sequence)
                var reader = ChunkReader(path: path, inputIndex: index, maxLineLength: configuration.input.maxLineBytes, pool: pool)
                reader.waitedSeconds = { queue.pushWaitSeconds }
                reader.blockSize = blockSize
                reader.decoder = decoder
                reader.wrapper = configuration.input.wrapper
                let found = try reader.read(nextSequence: &sequence, onRead: { count in
                    statistics.bytesRead += UInt64(count)
                    observer?.progress(bytesRead: statistics.bytesRead, linesRead: progress.lines.load(ordering: .relaxed),
                                       currentInput: path)
                }, emit: { queue.push($0) })
                statistics.readSeconds += reader.readSeconds
                statistics.plainBytes += reader.plainBytes
                statistics.inflateSeconds += reader.inflateSeconds - reader.waitSecondsDuringInflate
                if let found {
                    let entry = InputDamage(path: path, error: found)
                    damage.append(entry)
                    observer?.damaged(entry)
                }
            }
        } catch {
            queue.close()
            group.wait()
            throw error
        }
        queue.close()
        group.wait()

        let mergeStarted = monotonicSeconds()
        let parsers = results.parsers
        var summary = parsers[0].summary
        for parser in parsers.dropFirst() {
            summary.merge(parser.summary)
        }
        var lineCounts: [Int: Int] = [:]
        for parser in parsers {
            lineCounts.merge(parser.lineCounts) { first, _ in first }
        }
        summary.input.examples = renumber(summary.input.examples, lineCounts: lineCounts, inputStarts: inputStarts,
                                          chunkCount: sequence)
        summary.input.bytesRead = statistics.bytesRead
        for entry in damage { summary.input.recordDamage(entry) }
        for example in summary.input.examples { observer?.rejected(example) }

        statistics.linesRead = summary.input.linesRead
        statistics.rejectedLines = summary.input.rejectedLines
        statistics.readerWaitSeconds = queue.pushWaitSeconds
        statistics.parseSeconds = parsers.map(\.busySeconds)
        statistics.mergeSeconds = monotonicSeconds() - mergeStarted
        statistics.wallSeconds = monotonicSeconds() - started
        return (summary, statistics)
    }

    /// Turns chunk-relative line numbers into line numbers of the input.
    private func renumber(_ examples: [RejectedLine], lineCounts: [Int: Int], inputStarts: [Int], chunkCount: Int) -> [RejectedLine] {
        var offsets = Array(repeating: 0, count: chunkCount)
        var running = 0
        var nextInput = 0
        for chunk in 0..<chunkCount {
            while nextInput < inputStarts.count && inputStarts[nextInput] == chunk {
                running = 0  // Line numbers restart with each input.
                nextInput += 1
            }
            offsets[chunk] = running
            running += lineCounts[chunk] ?? 0
        }
        return examples.map { example in
            var renumbered = example
            renumbered.line += offsets[example.chunk]
            renumbered.chunk = 0  // The line number is now the input's, so the chunk no longer matters.
            return renumbered
        }
    }
}

/// The lines parsed so far, read by the progress display while parsers add to it.
private final class ProgressCounter: Sendable {
    let lines = Atomic<Int>(0)
}

/// Each parser thread's finished state, stored once when the thread ends.
private final class ParserResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [ChunkParser?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func store(_ parser: ChunkParser, at index: Int) {
        lock.lock()
        slots[index] = parser
        lock.unlock()
    }

    /// The parsers in worker order; read after every thread has ended.
    var parsers: [ChunkParser] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }  // Safe: read only after every worker stored its parser.
    }
}
