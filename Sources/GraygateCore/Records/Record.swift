/// The cohort a request belongs to.
public enum Cohort: String, Sendable, CaseIterable {
    /// The new version under gradual rollout.
    case gray

    /// The baseline version.
    case normal
}

/// A numeric field's reading in one line.
enum NumericReading: Equatable {
    case value(Double)

    /// The path is absent or `null`.
    case missing

    /// The value is of the wrong type, not finite, or out of range for the field (a negative latency).
    case invalid
}

/// The role of a line when request and response events are paired (`Mapping.events`).
enum EventKind: Equatable {
    case request
    case response
}

/// A categorical field's reading in one line: bytes of the line, decoded bytes, or nothing.
enum CategoryReading: Equatable {
    /// A span of the line holding the value as it is.
    case span(ByteSpan)

    /// The value after decoding escapes.
    case decoded([UInt8])

    case missing
}

/// The fields of one accepted line, as the mapping reads them.
///
/// One record is reused for every line, so reading a line allocates nothing once the arrays are sized.
struct Record {
    /// The cohort, or nil when the cohort value is not one of the configured values.
    var cohort: Cohort?

    /// False for a line the request filter sets aside, such as a server's start-up message.
    var isRequest = true

    /// The cohort field's value when it is not a configured one, for the unassigned tally.
    var unassignedValue = CategoryReading.missing

    var isError = false

    /// The status field's reading: a number, missing, or not a number (such as "ok").
    var status = NumericReading.missing

    /// Whether the error field is present (even when `null`).
    var hasErrorField = false

    /// Latency in milliseconds.
    var latency = NumericReading.missing

    /// Seconds since the Unix epoch, or nil when the timestamp is missing, unreadable or not read.
    var timestamp: Double?

    /// Whether the line is a request or a response event, when events are paired; nil otherwise.
    var eventKind: EventKind?

    /// The id that pairs the line's event with its partner, unescaped; nil when the field is missing or null.
    var eventID: [UInt8]?

    /// The event time in seconds since the Unix epoch.
    var eventTime = NumericReading.missing

    /// One reading per configured numeric field, in configuration order.
    var numeric: [NumericReading]

    /// One reading per configured categorical field, in configuration order.
    var categorical: [CategoryReading]

    init(numericCount: Int, categoricalCount: Int) {
        numeric = Array(repeating: .missing, count: numericCount)
        categorical = Array(repeating: .missing, count: categoricalCount)
    }
}
