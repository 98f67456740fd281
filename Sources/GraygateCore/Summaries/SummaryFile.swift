import Foundation

/// A shard summary file (`.ggs`): the accumulators of one shard of logs, to be merged with others.
///
/// The file is gzip-compressed JSON (format documented in docs/summaries.md):
/// `{"format": "graygate-summary", "version": 1, "fingerprint": …, "created_by": …, "inputs": […],
/// "summary": {…}}`. Counts, sketches, exact samples, category counts and line accounting merge exactly,
/// so merging the summaries of any split of a log gives the report of the whole log. The fingerprint
/// covers every setting that shapes the accumulators (the mapping, the sketch accuracy, the exact-sample
/// limit), and summaries with another fingerprint are rejected rather than merged wrongly.
public enum SummaryFile {
    static let format = "graygate-summary"
    /// The format version, raised when the accumulators' encoding changes. Version 2 added the latency
    /// histogram, which version 1 files cannot supply, so they are refused.
    static let version = 2

    /// The largest file read, compressed or not; a summary of a few fields is a few megabytes. It also bounds
    /// every string and array a file holds, since each is decoded from these bytes.
    static let maxBytes = 256 << 20

    /// The largest count a summary may hold in any field, bucket or total: 2^46, about 7 × 10^13 lines.
    ///
    /// A sketch store sums up to 65,536 buckets, so with each below 2^46 no check can overflow, and the
    /// merge of up to 2^17 such files cannot either.
    /// NOTE: merging more than 2^17 summaries that each hold counts near this limit could still overflow.
    static let maxCount = 1 << 46

    /// The most rejected-line examples and damage records a summary may carry.
    static let maxRecords = 1_000_000

    /// Returns the fingerprint of the settings that shape the accumulators.
    public static func fingerprint(_ configuration: Configuration) -> String {
        let mapping = configuration.mapping
        var parts: [String] = [
            "cohort=\(mapping.cohortPath)|\(mapping.grayValues.joined(separator: ","))|\(mapping.normalValues.joined(separator: ","))",
            "latency=\(mapping.latencyPath)|\(mapping.latencyUnit.rawValue)",
            "status=\(mapping.statusPath?.description ?? "-")|\(mapping.errorStatuses.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))",
            "error=\(mapping.errorPath?.description ?? "-")",
            "strings=\(mapping.numbersInStrings)",
            "shape=\(String(describing: mapping.requestFilter))|\(String(describing: mapping.cohortTransform))|"
                + "\(mapping.cohortWhenNonEmpty?.rawValue ?? "-")|\(String(describing: mapping.latencyTransform))|"
                + "\(mapping.latencyListSeparator ?? "-")|\(String(describing: mapping.latencyInterval))|"
                + "\(String(describing: mapping.errorTransform))|\(mapping.nonErrorValues.joined(separator: ","))|"
                + "\(mapping.timestampUnit.rawValue)",
            "exact=\(configuration.input.exactSampleLimit)",
            "accuracy=\(configuration.input.sketchRelativeAccuracy)",
        ]
        if let events = mapping.events {
            // Appended only when set, so summaries made before pairing existed keep their fingerprint.
            parts.append("events=\(String(describing: events))")
        }
        for field in mapping.numericFields {
            parts.append("numeric=\(field.name)|\(field.path)|\(field.range.map { "\($0.lowerBound)..\($0.upperBound)" } ?? "-")|\(field.resolution.map { "\($0)" } ?? "-")|\(String(describing: field.transform))")
        }
        for field in mapping.categoricalFields {
            parts.append("categorical=\(field.name)|\(field.path)|\(field.maxCategories)|\(String(describing: field.transform))")
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\n").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3  // FNV-1a: a stable checksum, not a secret.
        }
        return String(hash, radix: 16)
    }

    private struct Envelope: Codable {
        var format: String
        var version: Int
        var fingerprint: String
        var createdBy: String
        var inputs: [String]
        var summary: LogSummary

        enum CodingKeys: String, CodingKey {
            case format, version, fingerprint, createdBy = "created_by", inputs, summary
        }
    }

    static func encode(_ summary: LogSummary, configuration: Configuration, inputs: [String]) throws -> Data {
        let envelope = Envelope(format: format, version: version, fingerprint: fingerprint(configuration),
                                createdBy: "graygate \(GraygateVersion.current)", inputs: inputs, summary: summary)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = try encoder.encode(envelope)
        var compressed = Data()
        let writer = try GzipWriter(level: 6)
        try json.withUnsafeBytes { bytes in
            try writer.write(bytes) { compressed.append(contentsOf: $0) }
        }
        try writer.finishMember { compressed.append(contentsOf: $0) }
        return compressed
    }

    /// Reads and checks a summary file made with the same accumulator settings as `configuration`.
    ///
    /// - Throws: `SummaryError` naming the file and the problem; never traps on a damaged or crafted file.
    static func read(path: String, configuration: Configuration) throws -> (summary: LogSummary, inputs: [String]) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue else {
            throw InputError.cannotOpen(path: path, reason: "no such file, or it is not readable")
        }
        guard size <= maxBytes else { throw SummaryError(path: path, problem: "the file is larger than \(maxBytes >> 20) MB") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError.cannotOpen(path: path, reason: "the file is not readable")
        }
        return try decode(data, path: path, configuration: configuration)
    }

    /// Decodes and checks the bytes of a summary file; `path` names the file in errors.
    ///
    /// - Throws: `SummaryError` naming the file and the problem; never traps on a damaged or crafted file.
    static func decode(_ data: Data, path: String, configuration: Configuration) throws -> (summary: LogSummary, inputs: [String]) {
        guard data.count <= maxBytes else { throw SummaryError(path: path, problem: "the file is larger than \(maxBytes >> 20) MB") }
        let json = try inflate(data, path: path)

        let envelope: Envelope
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            envelope = try decoder.decode(Envelope.self, from: json)
        } catch let error as DecodingError {
            throw SummaryError(path: path, problem: "not a graygate summary: \(describe(error))")
        } catch {
            throw SummaryError(path: path, problem: "not a graygate summary: \(error)")
        }
        guard envelope.format == format else {
            throw SummaryError(path: path, problem: "format '\(envelope.format)' is not '\(format)'")
        }
        guard envelope.version == version else {
            throw SummaryError(path: path, problem: "version \(envelope.version) is not supported; this graygate reads version \(version)")
        }
        let expected = fingerprint(configuration)
        guard envelope.fingerprint == expected else {
            throw SummaryError(path: path, problem: "it was made with other mapping or sketch settings (fingerprint "
                + "\(envelope.fingerprint), this configuration \(expected)); summarize every shard and run analyze with the same "
                + "configuration file and mapping flags")
        }
        guard envelope.summary.isConsistent(with: configuration) else {
            throw SummaryError(path: path, problem: "its accumulators are inconsistent with each other or with the configuration")
        }
        return (envelope.summary, envelope.inputs)
    }

    /// Describes a decoding error by the JSON path of the value at fault.
    private static func describe(_ error: DecodingError) -> String {
        let (path, detail): ([any CodingKey], String)
        switch error {
        case .dataCorrupted(let context): (path, detail) = (context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context): (path, detail) = (context.codingPath + [key], "missing")
        case .typeMismatch(_, let context): (path, detail) = (context.codingPath, "wrong type")
        case .valueNotFound(_, let context): (path, detail) = (context.codingPath, "missing value")
        @unknown default: return "\(error)"
        }
        let location = (["$"] + path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }).joined()
            .replacingOccurrences(of: ".[", with: "[")
        return "\(location): \(detail)"
    }

    /// Inflates a gzip file into memory, refusing to grow past `maxBytes`, as a crafted file might.
    private static func inflate(_ data: Data, path: String) throws -> Data {
        guard data.count >= 2, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B else {
            throw SummaryError(path: path, problem: "not gzip-compressed, as summary files are")
        }
        let inflater = try GzipInflater(path: path)
        var output = Data()
        do {
            try data.withUnsafeBytes { bytes in
                try inflater.inflate(bytes) { plain in
                    guard output.count + plain.count <= maxBytes else {
                        throw SummaryError(path: path, problem: "it inflates to more than \(maxBytes >> 20) MB")
                    }
                    output.append(contentsOf: plain)
                }
            }
            try inflater.finish()
        } catch let damage as InputError where damage.isDamage {
            throw SummaryError(path: path, problem: "the file is damaged: \(damage)")
        }
        return output
    }
}

/// A summary file that cannot be used, with the reason.
public struct SummaryError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var problem: String

    public var description: String { "Cannot use summary '\(path)': \(problem)" }
}
