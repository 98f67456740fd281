/// Everything recorded about one cohort: traffic, errors, latency and the compared fields.
struct CohortAccumulator: Sendable, Equatable, Codable {
    private(set) var requests = 0
    private(set) var errors = 0

    /// Requests without a status, and with a status that is not a whole number.
    private(set) var statusMissing = 0
    private(set) var statusInvalid = 0

    /// Requests without the error field.
    private(set) var errorFieldMissing = 0

    /// Latency in milliseconds of every request with a valid latency, errors included.
    private(set) var latency: DistributionAccumulator

    /// The same latencies counted at fixed bounds, for the Prometheus histogram.
    private(set) var latencyHistogram = LatencyHistogram()
    private(set) var latencyMissing = 0
    private(set) var latencyInvalid = 0

    private(set) var numeric: [FieldDistribution]
    private(set) var categorical: [FieldCategories]

    /// A numeric field's distribution with the counts of lines that had no usable value.
    struct FieldDistribution: Sendable, Equatable, Codable {
        var distribution: DistributionAccumulator
        var missing = 0
        var invalid = 0
    }

    /// A categorical field's counts with the count of lines that had no value.
    struct FieldCategories: Sendable, Equatable, Codable {
        var counter: CategoryCounter
        var missing = 0
    }

    init(mapping: Mapping, input: InputSettings) {
        latency = DistributionAccumulator(
            layout: SketchLayout(relativeAccuracy: input.sketchRelativeAccuracy),
            exactLimit: input.exactSampleLimit)
        numeric = mapping.numericFields.map { field in
            FieldDistribution(distribution: DistributionAccumulator(
                layout: SketchLayout(relativeAccuracy: input.sketchRelativeAccuracy, linearRange: field.range,
                                     resolution: field.resolution),
                exactLimit: input.exactSampleLimit))
        }
        categorical = mapping.categoricalFields.map { FieldCategories(counter: CategoryCounter(maxCategories: $0.maxCategories)) }
    }

    /// Records one request; `line` contains the bytes that the record's spans point into.
    mutating func record(_ record: Record, line: UnsafeRawBufferPointer) {
        requests += 1
        if record.isError { errors += 1 }
        switch record.status {
        case .value: break
        case .missing: statusMissing += 1
        case .invalid: statusInvalid += 1
        }
        if !record.hasErrorField { errorFieldMissing += 1 }

        switch record.latency {
        case .value(let milliseconds):
            latency.record(milliseconds)
            latencyHistogram.record(milliseconds)
        case .missing: latencyMissing += 1
        case .invalid: latencyInvalid += 1
        }

        for index in numeric.indices {
            switch record.numeric[index] {
            case .value(let value): numeric[index].distribution.record(value)
            case .missing: numeric[index].missing += 1
            case .invalid: numeric[index].invalid += 1
            }
        }

        for index in categorical.indices {
            switch record.categorical[index] {
            case .span(let span):
                categorical[index].counter.record(UnsafeRawBufferPointer(rebasing: line[span.start..<(span.start + span.count)]))
            case .decoded(let bytes):
                bytes.withUnsafeBytes { categorical[index].counter.record($0) }
            case .missing:
                categorical[index].missing += 1
            }
        }
    }

    mutating func merge(_ other: CohortAccumulator) {
        requests += other.requests
        errors += other.errors
        statusMissing += other.statusMissing
        statusInvalid += other.statusInvalid
        errorFieldMissing += other.errorFieldMissing
        latency.merge(other.latency)
        latencyHistogram.merge(other.latencyHistogram)
        latencyMissing += other.latencyMissing
        latencyInvalid += other.latencyInvalid
        for index in numeric.indices {
            numeric[index].distribution.merge(other.numeric[index].distribution)
            numeric[index].missing += other.numeric[index].missing
            numeric[index].invalid += other.numeric[index].invalid
        }
        for index in categorical.indices {
            categorical[index].counter.merge(other.categorical[index].counter)
            categorical[index].missing += other.categorical[index].missing
        }
    }
}

extension CohortAccumulator {
    /// Returns whether a decoded cohort has the template's fields and grids and non-negative counts.
    func isConsistent(with template: CohortAccumulator) -> Bool {
        let counts = [requests, errors, statusMissing, statusInvalid, errorFieldMissing, latencyMissing, latencyInvalid]
        // Every request lands in exactly one of a field's value, missing or invalid counts. The counts come from
        // the file, so they are added without trapping on overflow.
        guard counts.allSatisfy({ $0 >= 0 }), errors <= requests,
              latency.isConsistent(with: template.latency),
              [latency.count, latencyMissing, latencyInvalid].sumWithoutOverflow == requests,
              let statusProblems = [statusMissing, statusInvalid].sumWithoutOverflow, statusProblems <= requests,
              errorFieldMissing <= requests, latencyHistogram.isConsistent(count: latency.count),
              numeric.count == template.numeric.count, categorical.count == template.categorical.count
        else { return false }
        for (field, expected) in zip(numeric, template.numeric)
        where !field.distribution.isConsistent(with: expected.distribution) || field.missing < 0 || field.invalid < 0
            || [field.distribution.count, field.missing, field.invalid].sumWithoutOverflow != requests {
            return false
        }
        for (field, expected) in zip(categorical, template.categorical)
        where field.counter.maxCategories != expected.counter.maxCategories || field.missing < 0
            || [field.counter.total, field.missing].sumWithoutOverflow != requests {
            return false
        }
        return true
    }
}
