/// The state of each stream's logical line in a wrapped log, under the rules that `LineUnwrapper` and the batch
/// reader's chunk cutter share.
///
/// A stream is idle, gathering (a partial piece came and its line is still open) or discarding (its line was
/// rejected, and its later pieces are dropped up to the final one). The cutter ends a chunk only where no stream
/// is gathering and hands the discarding streams to the next chunk, so the two must apply the same transitions
/// to the same lines. Both call `advance(past:piece:)` once per physical line, valid piece or not.
struct PartialLineTracker {
    enum State: Equatable {
        case idle

        /// A partial piece came; `start` is the input offset of the line's first piece.
        case gathering(start: Int)
        case discarding
    }

    private var states: (stdout: State, stderr: State)

    /// The bytes of input passed so far, each line's newline included.
    private(set) var offset = 0

    /// The maximum bytes of input that a line's pieces, with the other stream's lines between them, may spread
    /// over. Past it the line is abandoned, which bounds the input the cutter keeps for one open line.
    let maxSpan: Int

    init(maxSpan: Int, discarding: LogStreams = []) {
        self.maxSpan = maxSpan
        states = (discarding.contains(.stdout) ? .discarding : .idle, discarding.contains(.stderr) ? .discarding : .idle)
    }

    subscript(stream: LogStream) -> State {
        get { stream == .stdout ? states.stdout : states.stderr }
        set {
            if stream == .stdout { states.stdout = newValue } else { states.stderr = newValue }
        }
    }

    /// A Boolean value that indicates whether a stream has a partial line open, so no chunk may end here.
    var isGathering: Bool {
        if case .gathering = states.stdout { return true }
        if case .gathering = states.stderr { return true }
        return false
    }

    /// The streams whose pieces are being dropped up to their final piece.
    var discardingStreams: LogStreams {
        var streams = LogStreams()
        if states.stdout == .discarding { streams.insert(.stdout) }
        if states.stderr == .discarding { streams.insert(.stderr) }
        return streams
    }

    /// Moves past one physical line of `lineLength` bytes (its newline not counted), `piece` if it is a valid piece.
    ///
    /// - Returns: the streams whose line is abandoned at this line because it spread past `maxSpan`.
    mutating func advance(past lineLength: Int, piece: (stream: LogStream, isFinal: Bool)?) -> LogStreams {
        // Most lines are whole: a final piece while no line is open changes nothing but the offset.
        if states == (.idle, .idle) && piece?.isFinal != false {
            offset += lineLength + 1
            return []
        }
        if let piece {
            switch (self[piece.stream], piece.isFinal) {
            case (_, true): self[piece.stream] = .idle
            case (.idle, false): self[piece.stream] = .gathering(start: offset)
            case (.gathering, false), (.discarding, false): break
            }
        }
        offset += lineLength + 1

        var abandoned = LogStreams()
        for stream in LogStream.allCases {
            if case .gathering(let start) = self[stream], offset - start > maxSpan {
                self[stream] = .discarding
                abandoned.insert(LogStreams(stream))
            }
        }
        return abandoned
    }

    /// Drops the rest of a stream's open line, which was rejected for another reason.
    mutating func discard(_ stream: LogStream) {
        if case .gathering = self[stream] { self[stream] = .discarding }
    }

    /// Drops the rest of every open line, where the cutter had to end a chunk inside them.
    mutating func discardGathering() {
        for stream in LogStream.allCases {
            discard(stream)
        }
    }
}
