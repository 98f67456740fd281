/// Receives events of a running analysis, for diagnostics on stderr and progress display.
public protocol AnalysisObserver: AnyObject {
    /// Called for each rejected line, in input order.
    func rejected(_ line: RejectedLine)

    /// Called when an input is damaged; the analysis goes on with the next input.
    func damaged(_ damage: InputDamage)

    /// Called after each block read, with the bytes read so far across inputs and the lines framed so far.
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

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Reads every input as one sample and returns the report.
    ///
    /// - Parameter inputs: file paths; `-` reads standard input. Several files are one sample, as the rotated
    ///   logs of one rollout stage are.
    /// - Throws: `InputError` when an input cannot be opened or read. Damaged gzip input does not throw: it
    ///   is reported in the result and to the observer.
    public func run(inputs: [String], observer: (any AnalysisObserver)? = nil) throws -> Report {
        let summary = try summarize(inputs: inputs, observer: observer)
        return ReportBuilder.build(summary: summary, configuration: configuration, files: inputs)
    }

    /// Reads every input into one summary.
    func summarize(inputs: [String], observer: (any AnalysisObserver)? = nil) throws -> LogSummary {
        var summary = LogSummary(configuration: configuration)
        var mapper = RecordMapper(mapping: configuration.mapping)
        var record = mapper.makeRecord()
        let maxLineBytes = configuration.input.maxLineBytes

        for (inputIndex, path) in inputs.enumerated() {
            var input = LogInput(path: path)
            input.maxLineLength = maxLineBytes

            func reject(_ number: Int, _ reason: RejectionReason, _ detail: String) {
                let rejected = RejectedLine(inputIndex: inputIndex, path: path, line: number, reason: reason, detail: detail)
                summary.input.reject(rejected)
                observer?.rejected(rejected)
            }

            let damage = try input.readLines(onRead: { count in
                summary.input.bytesRead += UInt64(count)
                observer?.progress(bytesRead: summary.input.bytesRead, linesRead: summary.input.linesRead, currentInput: path)
            }) { framed in
                switch framed {
                case .line(let bytes, let number):
                    switch mapper.read(bytes, into: &record) {
                    case .object:
                        summary.record(record, line: bytes)
                    case .blank:
                        summary.input.countBlank()
                    case .invalid(let error) where error.kind == .notAnObject:
                        reject(number, .notAnObject, "the line is \(Self.describeTopLevelValue(bytes)), not an object")
                    case .invalid(let error):
                        reject(number, .invalidJSON, "\(error.kind.rawValue) at column \(error.column)")
                    }
                case .oversized(let number, let length):
                    reject(number, .lineTooLong, "\(length) bytes, over the limit of \(maxLineBytes) (input.max_line_bytes)")
                case .cut(let number, let length):
                    reject(number, .cutByDamage, "\(length) bytes before the damage")
                }
            }
            if let damage {
                let entry = InputDamage(path: path, message: damage.description)
                summary.input.recordDamage(entry)
                observer?.damaged(entry)
            }
        }
        return summary
    }

    /// Names the JSON type of a line's top-level value from its first byte, for a rejection message.
    private static func describeTopLevelValue(_ line: UnsafeRawBufferPointer) -> String {
        let first = line.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        switch first {
        case UInt8(ascii: "["): return "a JSON array"
        case UInt8(ascii: "\""): return "a JSON string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a JSON Boolean"
        case UInt8(ascii: "n"): return "JSON null"
        default: return "a JSON number"
        }
    }
}
