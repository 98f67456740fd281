import Foundation

/// Receives events of a running analysis, for diagnostics on stderr and progress display.
///
/// Every method is called on the thread that called `Analysis.run`, never on a parser thread.
public protocol AnalysisObserver: AnyObject {
    /// Called once reading ends for each rejected line kept as an example (`maxRejectedExamples`), in
    /// input order. Parser threads find them out of order, so they are reported after renumbering.
    func rejected(_ line: RejectedLine)

    /// Called when an input is damaged; the analysis goes on with the next input.
    func damaged(_ damage: InputDamage)

    /// Called after each block read, with the bytes read so far across inputs and the lines parsed so far.
    func progress(bytesRead: UInt64, linesRead: Int, currentInput: String)
}

extension AnalysisObserver {
    public func rejected(_ line: RejectedLine) {}
    public func damaged(_ damage: InputDamage) {}
    public func progress(bytesRead: UInt64, linesRead: Int, currentInput: String) {}
}

/// The entry point of `graygate analyze`: reads logs and judges the rollout.
public struct Analysis {
    public let configuration: Configuration

    /// The number of parser threads requested; the input is read and inflated on the calling thread besides.
    public var workerCount: Int

    /// The number of parser threads a run uses: `workerCount`, or one when the mapping pairs events, whose
    /// pairs must be matched in input order.
    public var parserThreadCount: Int {
        ParallelSummarizer.parserCount(requested: workerCount, mapping: configuration.mapping)
    }

    /// The number of rejected lines passed to the observer and kept in the report as examples.
    public var maxRejectedExamples = 20

    /// The gzip decoder for gzip inputs.
    public var gzipDecoder = GzipDecoderChoice.automatic

    /// The cohort of every request of an input, by the input's position in `inputs`, for logs that name
    /// no cohort (`--gray-log`, `--normal-log`); the cohort field of those inputs is not read.
    public var inputCohorts: [Int: Cohort] = [:]

    /// The size of the chunks the input is cut into for the parser threads.
    var chunkSize = 512 << 10

    public init(configuration: Configuration, workerCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.configuration = configuration
        self.workerCount = max(1, workerCount)
    }

    /// Reads every input as one sample and returns the report.
    ///
    /// - Parameter inputs: file paths; `-` reads standard input. Several files are one sample, as the rotated
    ///   logs of one rollout stage are.
    /// - Throws: `InputError` when an input cannot be opened or read. Damaged gzip input does not throw: it
    ///   is reported in the result and to the observer.
    public func run(inputs: [String], summaries: [String] = [], baseline: String? = nil,
                    observer: (any AnalysisObserver)? = nil) throws -> Report {
        try runMeasured(inputs: inputs, summaries: summaries, baseline: baseline, observer: observer).report
    }

    /// Reads every input as one sample and returns the report with the time of each stage.
    ///
    /// - Parameters:
    ///   - summaries: shard summary files (`.ggs`) merged with the logs read, as if their logs were read too.
    ///   - baseline: a summary whose normal cohort replaces this run's, to compare gray against a stored
    ///     baseline period. The traffic split is then not checked, since the cohorts come from two periods.
    public func runMeasured(inputs: [String], summaries: [String] = [], baseline: String? = nil,
                            observer: (any AnalysisObserver)? = nil) throws -> (report: Report, statistics: PipelineStatistics) {
        // Summaries are read first, so a summary made with other settings is rejected before a long read.
        let shards = try summaries.map { try SummaryFile.read(path: $0, configuration: self.configuration).summary }
        let stored = try baseline.map { try SummaryFile.read(path: $0, configuration: self.configuration).summary }
        var (summary, statistics) = inputs.isEmpty && !summaries.isEmpty
            ? (LogSummary(configuration: configuration), PipelineStatistics())
            : try summarize(inputs: inputs, observer: observer)
        for shard in shards {
            summary.merge(shard)
        }

        var configuration = self.configuration
        var notes: [String] = []
        if let baseline, let stored {
            summary.replaceNormal(with: stored)
            configuration.checks.trafficSplit.expectedGrayShare = nil
            notes.append("The normal cohort is the stored baseline '\(baseline)' (\(stored.normal.requests) requests), "
                + "not this period's normal traffic; the traffic split is not checked.")
        }

        let started = monotonicSeconds()
        var report = ReportBuilder.build(summary: summary, configuration: configuration,
                                         files: (inputs.isEmpty && !summaries.isEmpty ? [] : inputs) + summaries)
        report.notes += notes
        report.baseline = baseline
        statistics.judgeSeconds = monotonicSeconds() - started
        return (report, statistics)
    }

    /// Reads every input and returns the shard summary file's bytes, to merge with other shards later.
    public func summaryFile(inputs: [String], observer: (any AnalysisObserver)? = nil) throws
        -> (data: Data, statistics: PipelineStatistics, linesRead: Int) {
        let (summary, statistics) = try summarize(inputs: inputs, observer: observer)
        let data = try SummaryFile.encode(summary, configuration: configuration, inputs: inputs)
        return (data, statistics, summary.input.linesRead)
    }

    /// Reads every input into one summary.
    func summarize(inputs: [String], observer: (any AnalysisObserver)? = nil) throws -> (LogSummary, PipelineStatistics) {
        var summarizer = ParallelSummarizer(configuration: configuration, workerCount: workerCount)
        summarizer.chunkSize = chunkSize
        summarizer.maxExamples = maxRejectedExamples
        summarizer.decoder = gzipDecoder
        summarizer.inputCohorts = inputCohorts
        return try summarizer.summarize(inputs: inputs, observer: observer)
    }
}
