/// The fields that pair a request event with its response event, for loggers that write one line per event.
///
/// KServe's inference logger and Seldon Core's request logger send one CloudEvent when a request arrives and
/// one when its response leaves, and an id in both links them. With pairing on, each line is an event: a paired
/// request becomes one request in the cohort figures, with the latency `response time − request time`, and
/// its cohort, status, error and compared fields read from the response line.
///
/// Pairing keeps the unpaired events in memory, at most `maxPending` of them, and parses the input on one
/// thread, because the two lines of a pair can fall into chunks that different parser threads read.
///
/// NOTE: `graygate summarize` pairs events within each shard only, so a pair split between two shards
/// counts as an unpaired request and an unpaired response. Shard at quiet moments, or analyze the logs.
public struct EventPairing: Sendable, Equatable {
    /// The path of the id that a request event and its response event share.
    public var idPath: FieldPath

    /// The path of the event type, such as CloudEvents' `type` attribute.
    public var typePath: FieldPath

    /// Values of the type field that mark a request event; compared byte for byte.
    public var requestTypes: [String]

    /// Values of the type field that mark a response event. Lines of any other type are not requests.
    public var responseTypes: [String]

    /// The path of the event time: an RFC 3339 string or a number since the epoch in `Mapping.timestampUnit`.
    public var timePath: FieldPath

    /// The maximum number of events waiting for their partner; beyond it the oldest is given up as unpaired.
    public var maxPending = 100_000

    public init(idPath: FieldPath, typePath: FieldPath, requestTypes: [String], responseTypes: [String],
                timePath: FieldPath, maxPending: Int = 100_000) {
        self.idPath = idPath
        self.typePath = typePath
        self.requestTypes = requestTypes
        self.responseTypes = responseTypes
        self.timePath = timePath
        self.maxPending = maxPending
    }
}
