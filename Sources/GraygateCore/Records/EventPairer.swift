/// Pairs request and response event lines by id into requests, holding at most `maxPending` unpaired events.
///
/// Each event line counts as one accepted line when it arrives. The request is recorded when the second
/// event of its pair arrives, in whichever order the two came: latency is `response time − request time`, and
/// the cohort, status, error and compared fields come from the response. The request's cohort is used when
/// the response has no cohort value. The counts of `EventCounts` record what became of every event.
///
/// An unpaired response still counts as a request without a latency, so its error and prediction are not
/// lost: a log that starts mid-traffic or a request event that was dropped would otherwise bias the error
/// rate. An unpaired request counts as no request, because whether it failed or is still running is unknown.
struct EventPairer {
    let maxPending: Int

    /// The events waiting for their partner, by id.
    private var pending: [[UInt8]: PendingEvent] = [:]

    /// Ids in arrival order, for evicting the oldest; entries whose event has paired since are skipped.
    private var arrivalOrder: [(id: [UInt8], sequence: Int)] = []
    private var arrivalStart = 0
    private var nextSequence = 0

    /// The ids of the latest `maxPending` pairs, so an event delivered again after its pair completed is
    /// recognized as a duplicate, as one delivered again while its first copy waited is.
    private var completedIDs: Set<[UInt8]> = []
    private var completedOrder: [[UInt8]] = []
    private var completedStart = 0

    /// An event waiting for its partner, with its record copied out of its line.
    private struct PendingEvent {
        var sequence: Int
        var kind: EventKind
        var record: Record
    }

    init(maxPending: Int) {
        precondition(maxPending > 0, "the configuration loader checks that max_pending is positive")
        self.maxPending = maxPending
    }

    /// The number of events waiting for their partner.
    var pendingCount: Int { pending.count }

    /// Counts an accepted line and records the request it completes, if any.
    ///
    /// - Parameter line: the bytes the record's spans point into.
    mutating func take(_ record: Record, line: UnsafeRawBufferPointer, into summary: inout LogSummary) {
        summary.input.countAccepted()
        guard record.isRequest, let kind = record.eventKind else {
            summary.input.countNonRequest()
            return
        }
        guard let id = record.eventID else {
            // An event without an id can never pair.
            giveUp(kind, record, line: line, into: &summary)
            return
        }

        if completedIDs.contains(id) {
            // CloudEvents with the same source and id are the same event: a redelivery by the sink.
            summary.input.countEvents { $0.duplicates += 1 }
            return
        }
        if let waiting = pending[id] {
            guard waiting.kind != kind else {
                summary.input.countEvents { $0.duplicates += 1 }
                return
            }
            pending[id] = nil
            rememberCompleted(id)
            let paired = kind == .response
                ? Self.pair(request: waiting.record, response: record)
                : Self.pair(request: record, response: waiting.record)
            summary.input.countEvents { $0.paired += 1 }
            summary.recordRequest(paired, line: line)
            return
        }

        if pending.count >= maxPending {
            evictOldest(into: &summary)
        }
        pending[id] = PendingEvent(sequence: nextSequence, kind: kind, record: Self.copied(record, line: line))
        arrivalOrder.append((id, nextSequence))
        nextSequence += 1
        compactArrivalOrder()
    }

    /// Keeps the id of a completed pair, forgetting the oldest beyond `maxPending`.
    ///
    /// NOTE: a redelivery that arrives after `maxPending` later pairs completed is no longer recognized and
    /// ends as an unpaired event.
    private mutating func rememberCompleted(_ id: [UInt8]) {
        completedIDs.insert(id)
        completedOrder.append(id)
        if completedOrder.count - completedStart > maxPending {
            completedIDs.remove(completedOrder[completedStart])
            completedStart += 1
        }
        // The consumed front is dropped once it is half the array, so memory stays within twice the limit.
        if completedStart > maxPending {
            completedOrder.removeFirst(completedStart)
            completedStart = 0
        }
    }

    /// Gives up every event still waiting, as at the end of the input.
    mutating func finish(into summary: inout LogSummary) {
        let waiting = pending.values.sorted { $0.sequence < $1.sequence }
        pending = [:]
        arrivalOrder = []
        arrivalStart = 0
        for event in waiting {
            giveUp(event.kind, event.record, line: Self.noLine, into: &summary)
        }
    }

    // MARK: - Pairs

    /// Makes the request of a pair: the response's fields with the latency between the two event times.
    private static func pair(request: Record, response: Record) -> Record {
        var paired = response
        paired.latency = latency(from: request.eventTime, to: response.eventTime)
        if lacksCohortValue(response) {
            paired.cohort = request.cohort
            paired.unassignedValue = request.unassignedValue
        }
        paired.timestamp = request.timestamp ?? response.timestamp
        return paired
    }

    static func latency(from start: NumericReading, to end: NumericReading) -> NumericReading {
        switch (start, end) {
        case (.value(let startSeconds), .value(let endSeconds)):
            return endSeconds >= startSeconds ? .value((endSeconds - startSeconds) * 1000) : .invalid
        case (.invalid, _), (_, .invalid):
            return .invalid
        default:
            return .missing
        }
    }

    /// Returns whether the cohort field is missing or null, as the mapper records it, rather than an unknown value.
    private static func lacksCohortValue(_ record: Record) -> Bool {
        guard record.cohort == nil else { return false }
        switch record.unassignedValue {
        case .missing: return true
        case .decoded(let bytes): return bytes == missingCohortText || bytes == nullCohortText
        case .span: return false
        }
    }

    private static let missingCohortText = Array("(missing)".utf8)
    private static let nullCohortText = Array("(null)".utf8)

    // MARK: - Unpaired events

    /// Counts an event that will never pair; a response becomes a request without a latency.
    private func giveUp(_ kind: EventKind, _ record: Record, line: UnsafeRawBufferPointer, into summary: inout LogSummary) {
        switch kind {
        case .request:
            summary.input.countEvents { $0.unpairedRequests += 1 }
        case .response:
            summary.input.countEvents { $0.unpairedResponses += 1 }
            var request = record
            request.latency = .missing
            summary.recordRequest(request, line: line)
        }
    }

    private mutating func evictOldest(into summary: inout LogSummary) {
        while arrivalStart < arrivalOrder.count {
            let (id, sequence) = arrivalOrder[arrivalStart]
            arrivalStart += 1
            guard let event = pending[id], event.sequence == sequence else { continue }  // Paired since.
            pending[id] = nil
            summary.input.countEvents { $0.evicted += 1 }
            giveUp(event.kind, event.record, line: Self.noLine, into: &summary)
            return
        }
    }

    /// Drops the entries of `arrivalOrder` that were evicted or paired, once they outnumber the waiting events,
    /// so the list stays within a constant factor of `maxPending` at amortized constant cost per event.
    private mutating func compactArrivalOrder() {
        guard arrivalOrder.count > 2 * pending.count + 1024 else { return }
        arrivalOrder = arrivalOrder[arrivalStart...].filter { pending[$0.id]?.sequence == $0.sequence }
        arrivalStart = 0
    }

    // MARK: - Copies

    /// An empty line for records that point into no line, because they were copied.
    private static var noLine: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }

    /// Returns the record with every span of `line` replaced by a copy of its bytes, so it outlives the line.
    private static func copied(_ record: Record, line: UnsafeRawBufferPointer) -> Record {
        var copy = record
        if case .span(let span) = record.unassignedValue {
            copy.unassignedValue = .decoded(Array(line[span.start..<(span.start + span.count)]))
        }
        for (index, reading) in record.categorical.enumerated() {
            if case .span(let span) = reading {
                copy.categorical[index] = .decoded(Array(line[span.start..<(span.start + span.count)]))
            }
        }
        return copy
    }
}
