/// The accumulated state of a log: both cohorts and the line accounting.
///
/// One summary takes one record at a time, merges with another and reads out at any moment, so batch
/// analysis, parallel workers and merged shards all build the same value.
struct LogSummary: Sendable, Equatable, Codable {
    private(set) var gray: CohortAccumulator
    private(set) var normal: CohortAccumulator
    var input = InputAccounting()

    init(configuration: Configuration) {
        gray = CohortAccumulator(mapping: configuration.mapping, input: configuration.input)
        normal = gray
    }

    subscript(cohort: Cohort) -> CohortAccumulator {
        cohort == .gray ? gray : normal
    }

    /// Records an accepted line's record.
    mutating func record(_ record: Record, line: UnsafeRawBufferPointer) {
        input.countAccepted()
        guard record.isRequest else {
            input.countNonRequest()
            return
        }
        recordRequest(record, line: line)
    }

    /// Records a request in its cohort without counting a line, for a request that paired events make.
    mutating func recordRequest(_ record: Record, line: UnsafeRawBufferPointer) {
        switch record.cohort {
        case .gray:
            gray.record(record, line: line)
        case .normal:
            normal.record(record, line: line)
        case nil:
            switch record.unassignedValue {
            case .span(let span):
                input.countUnassigned(UnsafeRawBufferPointer(rebasing: line[span.start..<(span.start + span.count)]))
            case .decoded(let bytes):
                bytes.withUnsafeBytes { input.countUnassigned($0) }
            case .missing:
                Array("(missing)".utf8).withUnsafeBytes { input.countUnassigned($0) }
            }
        }
    }

    /// Replaces the normal cohort with another period's, to compare gray against a stored baseline.
    mutating func replaceNormal(with baseline: LogSummary) {
        normal = baseline.normal
    }

    /// Returns whether a decoded summary can merge with summaries of `configuration`.
    func isConsistent(with configuration: Configuration) -> Bool {
        let template = LogSummary(configuration: configuration)
        // The counts come from the file, so they are added without trapping on overflow.
        let rejectedLines = input.rejectedByReason.values.sumWithoutOverflow
        let counted = rejectedLines.flatMap { [input.acceptedLines, $0, input.blankLines].sumWithoutOverflow }
        return gray.isConsistent(with: template.gray) && normal.isConsistent(with: template.normal)
            && input.linesRead >= 0 && input.linesRead == counted
    }

    mutating func merge(_ other: LogSummary) {
        gray.merge(other.gray)
        normal.merge(other.normal)
        input.merge(other.input)
    }
}
