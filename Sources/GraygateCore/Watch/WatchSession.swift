import Foundation

/// The engine of `graygate watch`: takes log bytes as they arrive and judges the rollout at every look.
///
/// Lines go into per-interval summaries (`IntervalSummaries`), the same accumulators `analyze` uses, so
/// the final report of a watch equals the report of `analyze` on the same lines, except that the latency
/// and error-rate checks use anytime-valid sequential tests (`SequentialEvidence`). Looking more often
/// than every interval is allowed: the tests stay valid at every look.
///
/// A session runs on one thread; the caller serializes calls.
public final class WatchSession {
    public let configuration: Configuration
    public let settings: WatchSettings

    /// The name of the input in rejected-line messages and the report, such as `-` or a file path.
    public let inputName: String

    /// Called for each of the first `maxRejectedExamples` rejected lines, as it is rejected.
    public var onRejected: ((RejectedLine) -> Void)?

    /// The time of the first call, in the caller's clock (seconds).
    public let startSeconds: Double

    /// When the last line arrived, in the caller's clock; nil before the first line.
    public private(set) var lastLineSeconds: Double?

    /// The lines read so far: accepted, rejected and blank. Pieces joined into a wrapped line count once.
    public private(set) var linesRead = 0

    /// Damage that ended the input, such as corrupt gzip data; later bytes are ignored.
    public private(set) var damage: InputDamage?

    private var summaries: IntervalSummaries
    private var mapper: RecordMapper
    private var record: Record
    private var framer: LineFramer
    private var unwrapper: LineUnwrapper

    /// The pairing of request and response events, when the mapping has `events`. Events wait here across
    /// intervals, and each pair is recorded in the interval of the line that completes it.
    private var pairer: EventPairer?
    private var format = Format.undetermined([])
    private var rejectedCount = 0
    private let evidence = SequentialEvidence()
    private let windowConfiguration: Configuration

    /// Whether the input is plain text or gzip, decided by its first two bytes.
    private enum Format {
        case undetermined([UInt8])
        case plain
        case gzip(any GzipDecoder)
    }

    public init(configuration: Configuration, settings: WatchSettings, inputName: String, startSeconds: Double) {
        self.configuration = configuration
        self.settings = settings
        self.inputName = inputName
        self.startSeconds = startSeconds
        var empty = LogSummary(configuration: configuration)
        empty.input.maxExamples = settings.maxRejectedExamples
        summaries = IntervalSummaries(empty: empty, intervalSeconds: settings.intervalSeconds,
                                      windowSeconds: settings.windowSeconds)
        mapper = RecordMapper(mapping: configuration.mapping, timestamps: settings.windowClock == .log ? .everyLine : .range)
        record = mapper.makeRecord()
        framer = LineFramer(maxLineLength: configuration.input.maxLineBytes)
        pairer = configuration.mapping.events.map { EventPairer(maxPending: $0.maxPending) }
        unwrapper = LineUnwrapper(wrapper: configuration.input.wrapper, maxLineLength: configuration.input.maxLineBytes)

        // The window shows figures only: its tests would look at the same lines again without correction.
        var windowConfiguration = configuration
        windowConfiguration.checks.latency.isEnabled = false
        windowConfiguration.checks.errorRate.isEnabled = false
        windowConfiguration.checks.numericDrift.isEnabled = false
        windowConfiguration.checks.categoricalDrift.isEnabled = false
        self.windowConfiguration = windowConfiguration
    }

    // MARK: - Reading

    /// Takes the next bytes of the input, which arrived at `seconds`.
    public func consume(_ bytes: UnsafeRawBufferPointer, at seconds: Double) {
        guard damage == nil, !bytes.isEmpty else { return }
        let arrival = summaries.interval(at: seconds - startSeconds)
        summaries.updateNewest(orAt: arrival) { $0.input.bytesRead += UInt64(bytes.count) }
        if settings.windowClock == .arrival {
            summaries.advance(to: arrival)
        }

        switch format {
        case .plain:
            frame(bytes, at: seconds)
        case .gzip(let decoder):
            inflate(bytes, with: decoder, at: seconds)
        case .undetermined(let start):
            // Two bytes decide the format; a first read of one byte waits for the next.
            let head = start + Array(bytes.prefix(2 - start.count))
            guard head.count == 2 else {
                format = .undetermined(head)
                return
            }
            let rest = UnsafeRawBufferPointer(rebasing: bytes[(2 - start.count)...])
            if head == [0x1F, 0x8B] {
                do {
                    let decoder = try settings.gzipDecoder.makeDecoder(path: inputName)
                    format = .gzip(decoder)
                    head.withUnsafeBytes { inflate($0, with: decoder, at: seconds) }
                    inflate(rest, with: decoder, at: seconds)
                } catch {
                    end(with: InputDamage(path: inputName, error: error), at: seconds)
                }
            } else {
                format = .plain
                head.withUnsafeBytes { frame($0, at: seconds) }
                frame(rest, at: seconds)
            }
        }
    }

    /// Starts a new stream within the same input, as a followed file does after rotation or truncation: an
    /// unfinished last line of the old stream is framed as it is, and line numbers restart at 1.
    public func beginNewStream(at seconds: Double) {
        guard damage == nil else { return }
        if case .undetermined(let start) = format {
            start.withUnsafeBytes { frame($0, at: seconds) }
        }
        framer.finish { unwrap($0, at: seconds) }
        unwrapper.finish { handle($0, at: seconds) }
        framer = LineFramer(maxLineLength: configuration.input.maxLineBytes)
        unwrapper = LineUnwrapper(wrapper: configuration.input.wrapper, maxLineLength: configuration.input.maxLineBytes)
        format = .undetermined([])
    }

    /// Ends the input: frames a last line without a newline, rejects wrapped lines left open, and notes a gzip
    /// stream cut short.
    public func finish(at seconds: Double) {
        guard damage == nil else { return }
        switch format {
        case .undetermined(let start):
            start.withUnsafeBytes { frame($0, at: seconds) }
        case .plain:
            break
        case .gzip(let decoder):
            do {
                try decoder.finish()
            } catch {
                end(with: InputDamage(path: inputName, error: error), at: seconds)
                return
            }
        }
        framer.finish { unwrap($0, at: seconds) }
        unwrapper.finish { handle($0, at: seconds) }
        finishPairing(at: seconds)
    }

    /// Gives up the events still waiting for their partner, since no more lines will come.
    private func finishPairing(at seconds: Double) {
        guard pairer != nil else { return }
        summaries.updateNewest(orAt: summaries.interval(at: seconds - startSeconds)) { pairer?.finish(into: &$0) }
    }

    private func inflate(_ bytes: UnsafeRawBufferPointer, with decoder: any GzipDecoder, at seconds: Double) {
        guard damage == nil else { return }
        do {
            try decoder.inflate(bytes) { frame($0, at: seconds) }
        } catch let error as InputError {
            end(with: InputDamage(path: inputName, error: error), at: seconds)
        } catch {
            end(with: InputDamage(path: inputName, error: .corruptGzip(path: inputName, compressedOffset: 0, reason: "\(error)")), at: seconds)
        }
    }

    /// Keeps the complete lines before damage, counts the unfinished one as cut, and ignores what follows.
    private func end(with damage: InputDamage, at seconds: Double) {
        framer.finishAfterDamage { unwrap($0, at: seconds) }
        unwrapper.finish { handle($0, at: seconds) }
        summaries.updateNewest(orAt: summaries.interval(at: seconds - startSeconds)) { $0.input.recordDamage(damage) }
        finishPairing(at: seconds)
        self.damage = damage
    }

    private func frame(_ bytes: UnsafeRawBufferPointer, at seconds: Double) {
        framer.feed(bytes) { unwrap($0, at: seconds) }
    }

    /// Joins the pieces of wrapped lines; a piece joined to an open line is counted in the interval it arrived in.
    private func unwrap(_ framed: FramedLine, at seconds: Double) {
        let joinedBefore = unwrapper.joinedPieces
        unwrapper.feed(framed) { handle($0, at: seconds) }
        let joined = unwrapper.joinedPieces - joinedBefore
        if joined > 0 {
            summaries.updateNewest(orAt: summaries.interval(at: seconds - startSeconds)) { $0.input.countJoinedPieces(joined) }
        }
    }

    // MARK: - Recording

    private func handle(_ logical: LogicalLine, at seconds: Double) {
        linesRead += 1
        lastLineSeconds = seconds
        let arrival = summaries.interval(at: seconds - startSeconds)
        switch logical {
        case .line(let bytes, let number):
            switch mapper.read(bytes, into: &record) {
            case .object:
                let interval = settings.windowClock == .log
                    ? record.timestamp.map { summaries.interval(at: $0) }
                    : arrival
                let accepted = record
                if let interval {
                    summaries.update(interval: interval) { accept(accepted, line: bytes, into: &$0) }
                } else {
                    summaries.updateNewest(orAt: arrival) { accept(accepted, line: bytes, into: &$0) }
                }
            case .blank:
                summaries.updateNewest(orAt: arrival) { $0.input.countBlank() }
            case .invalid(let error):
                let (reason, detail) = ChunkParser.rejection(of: bytes, error)
                reject(number, reason, detail, arrival: arrival)
            }
        case .rejected(let number, let reason, let detail):
            reject(number, reason, detail, arrival: arrival)
        }
    }

    private func accept(_ record: Record, line: UnsafeRawBufferPointer, into summary: inout LogSummary) {
        if pairer != nil {
            pairer?.take(record, line: line, into: &summary)
        } else {
            summary.record(record, line: line)
        }
    }

    private func reject(_ number: Int, _ reason: RejectionReason, _ detail: String, arrival: Int) {
        let rejected = RejectedLine(inputIndex: 0, chunk: 0, path: inputName, line: number, reason: reason, detail: detail)
        summaries.updateNewest(orAt: arrival) { $0.input.reject(rejected) }
        rejectedCount += 1
        if rejectedCount <= settings.maxRejectedExamples {
            onRejected?(rejected)
        }
    }

    // MARK: - Looking

    /// Judges everything read so far, and the window, at `seconds`.
    ///
    /// Each look adds to the sequential evidence, so a check once failed with always-valid confidence
    /// stays significant at later looks unless its effect falls back within the margin.
    public func look(at seconds: Double) -> WatchLook {
        if settings.windowClock == .arrival {
            summaries.advance(to: summaries.interval(at: seconds - startSeconds))
        }
        if let range = mapper.drainTimeRange() {
            summaries.updateNewest(orAt: summaries.interval(at: seconds - startSeconds)) { summary in
                summary.input.observeTimestamp(range.lowerBound)
                summary.input.observeTimestamp(range.upperBound)
            }
        }
        let files = [inputName]
        var report = ReportBuilder.build(summary: summaries.cumulative(), configuration: configuration, files: files,
                                         sequential: evidence)
        report.input.events?.pending = pairer?.pendingCount ?? 0
        let window = summaries.window().map {
            ReportBuilder.build(summary: $0, configuration: windowConfiguration, files: files)
        }
        let elapsed = seconds - startSeconds
        return WatchLook(report: report, window: window, elapsedSeconds: elapsed, stop: stopReason(report, elapsed: elapsed))
    }

    /// The checks judged with sequential tests.
    static let sequentialCheckIDs = ["latency", "error_rate"]

    private func stopReason(_ report: Report, elapsed: Double) -> WatchLook.StopReason? {
        guard settings.exitCondition != .never else { return nil }
        let sequential = report.checks.filter { Self.sequentialCheckIDs.contains($0.id) }
        let failed = sequential.filter { $0.verdict == .fail }
        if !failed.isEmpty {
            return .failed(failed.map(\.id))
        }
        guard settings.exitCondition == .decision, !sequential.isEmpty, elapsed >= settings.minimumDecisionSeconds,
              report.verdict == .pass || report.verdict == .warn,
              sequential.allSatisfy({ evidence.confidentPasses.contains($0.id) })
        else { return nil }
        return .passed(sequential.map(\.id))
    }
}

/// The result of one look of a watch.
public struct WatchLook: Sendable {
    /// Everything read since the start, with the sequential latency and error-rate checks.
    public var report: Report

    /// The sliding window's figures. Its checks are not run, so its verdict carries no meaning.
    public var window: Report?

    /// Seconds since the watch started.
    public var elapsedSeconds: Double

    /// The reason to stop now under `WatchSettings.exitCondition`, or nil to go on.
    public var stop: StopReason?

    public enum StopReason: Sendable, Equatable {
        /// These checks failed with always-valid confidence.
        case failed([String])

        /// These checks' confidence sequences lie wholly within their margins.
        case passed([String])
    }
}
