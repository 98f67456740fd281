import Foundation

/// Reads a JSON configuration file over the defaults, collecting every problem with its JSON path.
///
/// Keys are checked against the known ones, so a misspelt key is reported (with the closest known key)
/// rather than silently ignored, which would leave a default in force that the user meant to change.
public enum ConfigurationLoader {
    /// The largest configuration file read. The shipped presets take a few kilobytes, so this leaves ample
    /// room while keeping a wrong path, such as a log file, from being read whole into memory.
    static let maxFileBytes = 4 << 20

    /// The most numeric and the most categorical fields a mapping may name. Each field adds accumulators to
    /// both cohorts of every parser thread, and a check and metric series to every report.
    static let maxFieldsPerKind = 100

    /// Loads the configuration at `path` over `base`, the defaults or a preset's configuration.
    ///
    /// - Throws: `ConfigurationError` listing every problem, or `InputError` when the file cannot be read.
    public static func load(path: String, over base: Configuration = Configuration()) throws -> Configuration {
        var isDirectory: ObjCBool = false
        let problem: String?
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            problem = "the file does not exist"
        } else if isDirectory.boolValue {
            problem = "it is a directory, not a configuration file"
        } else if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxFileBytes {
            problem = "the file has \(size) bytes, more than the \(maxFileBytes >> 20) MiB a configuration may have"
        } else {
            problem = nil
        }
        guard problem == nil, let data = FileManager.default.contents(atPath: path) else {
            let message = problem ?? "the file is not readable"
            throw ConfigurationError(source: path, problems: [ConfigurationError.Problem(path: "$", message: message)])
        }
        return try parse(data, source: path, over: base)
    }

    /// Returns the configuration of the preset `name`.
    ///
    /// - Throws: `ConfigurationError` naming the known presets when there is none by that name.
    public static func preset(named name: String) throws -> Configuration {
        guard let preset = Preset.named(name) else {
            let known = Preset.all.map(\.name).joined(separator: ", ")
            throw ConfigurationError(source: "--preset", problems: [
                ConfigurationError.Problem(path: "$", message: "unknown preset '\(name)'; the presets are \(known)")])
        }
        var configuration = try parse(Data(preset.configuration.utf8), source: "preset \(name)")
        configuration.preset = name
        return configuration
    }

    /// Parses configuration JSON from `data` over `base`; `source` names it in errors.
    public static func parse(_ data: Data, source: String, over base: Configuration = Configuration()) throws -> Configuration {
        if let syntaxError = Self.syntaxError(in: data) {
            throw ConfigurationError(source: source, problems: [syntaxError])
        }
        let document: JSONDocument
        do {
            document = try JSONDecoder().decode(JSONDocument.self, from: data)
        } catch {
            let problem = ConfigurationError.Problem(path: "$", message: "not valid JSON: \(Self.describe(error))")
            throw ConfigurationError(source: source, problems: [problem])
        }

        var reader = ConfigurationReader()
        var configuration = base
        reader.read(document, into: &configuration)
        if !reader.problems.isEmpty {
            throw ConfigurationError(source: source, problems: reader.problems)
        }
        return configuration
    }

    /// Finds the first JSON syntax error with the scanner the log reader uses, for its line and column.
    private static func syntaxError(in data: Data) -> ConfigurationError.Problem? {
        let bytes = [UInt8](data)
        let found: (JSONSyntaxError.Kind, Int)? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return (.unexpectedEnd, 0) }
            var reader = Reader(base: base, count: buffer.count)
            reader.skipWhitespace()
            do {
                try reader.skipValue(depth: 1)
            } catch let error as JSONSyntaxError {
                return (error.kind, min(error.column - 1, buffer.count))
            } catch {
                return (.unexpectedCharacter, 0)
            }
            reader.skipWhitespace()
            return reader.isAtEnd ? nil : (.trailingCharacters, reader.position)
        }
        guard let (kind, offset) = found else { return nil }
        let before = bytes[..<offset]
        let line = before.filter { $0 == 0x0A }.count + 1
        let column = offset - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
        let what = bytes.isEmpty ? "the file is empty" : "\(kind.rawValue) at line \(line), column \(column)"
        return ConfigurationError.Problem(path: "$", message: "not valid JSON: \(what)")
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return String(describing: error)
    }
}

/// Walks the document, applying each known key and recording problems.
private struct ConfigurationReader {
    var problems: [ConfigurationError.Problem] = []

    mutating func read(_ document: JSONDocument, into configuration: inout Configuration) {
        guard let root = object(document, at: "$", keys: ["version", "preset", "mapping", "checks", "input"]) else { return }
        if let version = root["version"], let number = integer(version, at: "$.version"), number != 1 {
            problem("$.version", "unsupported version \(number); this graygate reads version 1")
        }
        // The preset comes first, so the keys of this file refine it.
        if let name = root["preset"].flatMap({ string($0, at: "$.preset") }) {
            if let preset = try? ConfigurationLoader.preset(named: name) {
                configuration = preset
            } else {
                problem("$.preset", "unknown preset '\(name)'; the presets are \(Preset.all.map(\.name).joined(separator: ", "))")
            }
        }
        if let mapping = root["mapping"] { readMapping(mapping, into: &configuration.mapping) }
        if let checks = root["checks"] { readChecks(checks, into: &configuration.checks) }
        if let input = root["input"] { readInput(input, into: &configuration.input) }
        validateNames(configuration.mapping)
    }

    // MARK: - Mapping

    private mutating func readMapping(_ value: JSONDocument, into mapping: inout Mapping) {
        let at = "$.mapping"
        let keys = ["request", "events", "cohort", "latency", "status", "error", "timestamp", "numbers_in_strings", "numeric_fields",
                    "categorical_fields"]
        guard let fields = object(value, at: at, keys: keys) else { return }

        if let events = fields["events"] {
            mapping.events = events == .null ? nil : eventPairing(events, at: "\(at).events")
        }

        if let request = fields["request"] {
            if request == .null {
                mapping.requestFilter = nil
            } else if let entries = object(request, at: "\(at).request", keys: ["path", "values"]),
                      let path = required(entries, "path", at: "\(at).request").flatMap({ fieldPath($0, at: "\(at).request.path") }) {
                let values = entries["values"].flatMap { strings($0, at: "\(at).request.values") } ?? []
                mapping.requestFilter = RequestFilter(path: path, values: values)
            }
        }

        if let cohort = fields["cohort"],
           let entries = object(cohort, at: "\(at).cohort", keys: ["path", "gray", "normal", "non_empty", "json", "split", "regex", "group"]) {
            if let path = entries["path"].flatMap({ fieldPath($0, at: "\(at).cohort.path") }) { mapping.cohortPath = path }
            // A transform belongs to its path: a new path without transform keys reads the field as it is.
            let cohortTransform = transform(entries, at: "\(at).cohort")
            mapping.cohortTransform = entries["path"] != nil ? cohortTransform : cohortTransform ?? mapping.cohortTransform
            // Listing values means matching them, so a preset's presence rule gives way unless restated.
            if entries["gray"] != nil || entries["normal"] != nil || entries["non_empty"] == .null {
                mapping.cohortWhenNonEmpty = nil
            }
            if let value = entries["non_empty"], value != .null, let value = string(value, at: "\(at).cohort.non_empty") {
                if let cohort = Cohort(rawValue: value) {
                    mapping.cohortWhenNonEmpty = cohort
                } else {
                    problem("\(at).cohort.non_empty", "expected 'gray' or 'normal', got '\(value)'")
                }
            }
            if let gray = entries["gray"].flatMap({ strings($0, at: "\(at).cohort.gray") }) { mapping.grayValues = gray }
            if let normal = entries["normal"].flatMap({ strings($0, at: "\(at).cohort.normal") }) { mapping.normalValues = normal }
            let overlap = Set(mapping.grayValues).intersection(mapping.normalValues)
            if !overlap.isEmpty {
                problem("\(at).cohort", "the values \(overlap.sorted().map { "'\($0)'" }.joined(separator: ", ")) are listed for both gray and normal")
            }
        }

        if let latency = fields["latency"],
           let entries = object(latency, at: "\(at).latency", keys: ["path", "unit", "list_separator", "start", "end", "json", "split", "regex", "group"]) {
            if let path = entries["path"].flatMap({ fieldPath($0, at: "\(at).latency.path") }) { mapping.latencyPath = path }
            let latencyTransform = transform(entries, at: "\(at).latency")
            mapping.latencyTransform = entries["path"] != nil ? latencyTransform : latencyTransform ?? mapping.latencyTransform
            // A path replaces a preset's two timestamps, which would otherwise take precedence over it.
            if entries["path"] != nil && entries["start"] == nil && entries["end"] == nil {
                mapping.latencyInterval = nil
            }
            if let separator = entries["list_separator"].flatMap({ string($0, at: "\(at).latency.list_separator") }) {
                if separator.isEmpty {
                    problem("\(at).latency.list_separator", "must not be empty")
                } else {
                    mapping.latencyListSeparator = separator
                }
            }
            switch (entries["start"], entries["end"]) {
            case (nil, nil):
                break
            case (let start?, let end?):
                if let start = fieldPath(start, at: "\(at).latency.start"), let end = fieldPath(end, at: "\(at).latency.end") {
                    mapping.latencyInterval = TimestampInterval(start: start, end: end)
                }
            default:
                problem("\(at).latency", "give both start and end to measure latency between two timestamps")
            }
            if let unit = entries["unit"].flatMap({ string($0, at: "\(at).latency.unit") }) {
                if let parsed = LatencyUnit(rawValue: unit == "µs" ? "us" : unit) {
                    mapping.latencyUnit = parsed
                } else {
                    problem("\(at).latency.unit", "unknown unit '\(unit)'; expected one of s, ms, us, ns")
                }
            }
        }

        if let status = fields["status"], let entries = object(status, at: "\(at).status", keys: ["path", "error_codes"]) {
            if let path = entries["path"] {
                mapping.statusPath = path == .null ? nil : fieldPath(path, at: "\(at).status.path")
            }
            if let codes = entries["error_codes"] { mapping.errorStatuses = statusRanges(codes, at: "\(at).status.error_codes") ?? mapping.errorStatuses }
        }

        if let error = fields["error"], let entries = object(error, at: "\(at).error", keys: ["path", "not_errors", "json", "split", "regex", "group"]) {
            let errorTransform = transform(entries, at: "\(at).error")
            mapping.errorTransform = entries["path"] != nil ? errorTransform : errorTransform ?? mapping.errorTransform
            if let values = entries["not_errors"].flatMap({ strings($0, at: "\(at).error.not_errors") }) {
                mapping.nonErrorValues = values
            }
            if let path = entries["path"] {
                mapping.errorPath = path == .null ? nil : fieldPath(path, at: "\(at).error.path")
            }
        }

        if let timestamp = fields["timestamp"], let entries = object(timestamp, at: "\(at).timestamp", keys: ["path", "unit"]) {
            if let path = entries["path"] {
                mapping.timestampPath = path == .null ? nil : fieldPath(path, at: "\(at).timestamp.path")
            }
            if let unit = entries["unit"].flatMap({ string($0, at: "\(at).timestamp.unit") }) {
                if let parsed = TimestampUnit(rawValue: unit) {
                    mapping.timestampUnit = parsed
                } else {
                    problem("\(at).timestamp.unit", "unknown unit '\(unit)'; expected one of auto, s, ms, us, ns")
                }
            }
        }

        if let value = fields["numbers_in_strings"], let flag = bool(value, at: "\(at).numbers_in_strings") {
            mapping.numbersInStrings = flag
        }

        for key in ["numeric_fields", "categorical_fields"] {
            // Only the count is checked here; the reads below report a value that is not an array.
            if case .array(let items)? = fields[key], items.count > ConfigurationLoader.maxFieldsPerKind {
                problem("\(at).\(key)", "lists \(items.count) fields, more than the \(ConfigurationLoader.maxFieldsPerKind) allowed")
            }
        }
        if let list = fields["numeric_fields"], let items = array(list, at: "\(at).numeric_fields") {
            mapping.numericFields = items.enumerated().compactMap { index, item in
                numericField(item, at: "\(at).numeric_fields[\(index)]")
            }
        }

        if let list = fields["categorical_fields"], let items = array(list, at: "\(at).categorical_fields") {
            mapping.categoricalFields = items.enumerated().compactMap { index, item in
                categoricalField(item, at: "\(at).categorical_fields[\(index)]")
            }
        }
    }

    /// Reads `{"id": PATH, "type": {"path": PATH, "request": [...], "response": [...]}, "time": PATH,
    /// "max_pending": N}`.
    private mutating func eventPairing(_ value: JSONDocument, at path: String) -> EventPairing? {
        guard let entries = object(value, at: path, keys: ["id", "type", "time", "max_pending"]) else { return nil }
        let id = required(entries, "id", at: path).flatMap { fieldPath($0, at: "\(path).id") }
        let time = required(entries, "time", at: path).flatMap { fieldPath($0, at: "\(path).time") }
        var typePath: FieldPath?
        var requestTypes: [String]?
        var responseTypes: [String]?
        if let type = required(entries, "type", at: path),
           let typeEntries = object(type, at: "\(path).type", keys: ["path", "request", "response"]) {
            typePath = required(typeEntries, "path", at: "\(path).type").flatMap { fieldPath($0, at: "\(path).type.path") }
            requestTypes = required(typeEntries, "request", at: "\(path).type").flatMap { strings($0, at: "\(path).type.request") }
            responseTypes = required(typeEntries, "response", at: "\(path).type").flatMap { strings($0, at: "\(path).type.response") }
        }
        if let requestTypes, let responseTypes {
            let overlap = Set(requestTypes).intersection(responseTypes)
            if !overlap.isEmpty {
                problem("\(path).type", "the values \(overlap.sorted().map { "'\($0)'" }.joined(separator: ", ")) are listed for both request and response")
            }
        }
        var maxPending = 100_000
        if let value = entries["max_pending"], let count = integer(value, at: "\(path).max_pending") {
            if (1...10_000_000).contains(count) {
                maxPending = count
            } else {
                problem("\(path).max_pending", "must be between 1 and 10000000, got \(count)")
            }
        }
        guard let id, let time, let typePath, let requestTypes, let responseTypes else { return nil }
        return EventPairing(idPath: id, typePath: typePath, requestTypes: requestTypes, responseTypes: responseTypes,
                            timePath: time, maxPending: maxPending)
    }

    private mutating func numericField(_ value: JSONDocument, at path: String) -> NumericField? {
        guard let entries = object(value, at: path, keys: ["name", "path", "range", "resolution", "json", "split", "regex", "group"]) else { return nil }
        guard let name = required(entries, "name", at: path).flatMap({ string($0, at: "\(path).name") }),
              let fieldPath = required(entries, "path", at: path).flatMap({ fieldPath($0, at: "\(path).path") })
        else { return nil }
        var field = NumericField(name: name, path: fieldPath)
        field.transform = transform(entries, at: path)

        if let range = entries["range"] {
            if let bounds = array(range, at: "\(path).range") {
                let numbers = bounds.enumerated().compactMap { number($1, at: "\(path).range[\($0)]") }
                if numbers.count == 2 && numbers[0] < numbers[1] {
                    field.range = numbers[0]...numbers[1]
                } else {
                    problem("\(path).range", "expected [low, high] with low < high")
                }
            }
        }
        if let resolution = entries["resolution"], let width = number(resolution, at: "\(path).resolution") {
            if width > 0 {
                field.resolution = width
            } else {
                problem("\(path).resolution", "must be positive, got \(width)")
            }
        }
        if (field.range == nil) != (field.resolution == nil) {
            problem(path, "give both range and resolution for a linear grid, or neither for the relative-error sketch")
        } else if let range = field.range, let width = field.resolution, (range.upperBound - range.lowerBound) / width > 1_000_000 {
            problem("\(path).resolution", "the grid would have over 1,000,000 buckets; use a coarser resolution or no range")
        }
        return field
    }

    private mutating func categoricalField(_ value: JSONDocument, at path: String) -> CategoricalField? {
        guard let entries = object(value, at: path, keys: ["name", "path", "max_categories", "json", "split", "regex", "group"]) else { return nil }
        guard let name = required(entries, "name", at: path).flatMap({ string($0, at: "\(path).name") }),
              let fieldPath = required(entries, "path", at: path).flatMap({ fieldPath($0, at: "\(path).path") })
        else { return nil }
        var field = CategoricalField(name: name, path: fieldPath)
        field.transform = transform(entries, at: path)
        if let limit = entries["max_categories"], let count = integer(limit, at: "\(path).max_categories") {
            if (1...100_000).contains(count) {
                field.maxCategories = count
            } else {
                problem("\(path).max_categories", "must be between 1 and 100000, got \(count)")
            }
        }
        return field
    }

    private mutating func validateNames(_ mapping: Mapping) {
        var seen = Set<String>()
        let names = mapping.numericFields.map(\.name) + mapping.categoricalFields.map(\.name)
        for name in names {
            if name.isEmpty || name.contains(where: { !$0.isLetter && !$0.isNumber && $0 != "_" && $0 != "-" && $0 != "." }) {
                problem("$.mapping", "field name '\(name)' must be non-empty letters, digits, '_', '-' or '.'")
            }
            if !seen.insert(name).inserted {
                problem("$.mapping", "field name '\(name)' is used twice; names identify fields in reports and metrics")
            }
        }
    }

    // MARK: - Checks

    private mutating func readChecks(_ value: JSONDocument, into checks: inout CheckSettings) {
        let at = "$.checks"
        let keys = ["alpha", "min_samples", "max_rejected_share", "latency", "error_rate", "numeric_drift",
                    "categorical_drift", "traffic_split"]
        guard let fields = object(value, at: at, keys: keys) else { return }

        if let value = fields["alpha"], let alpha = probability(value, at: "\(at).alpha", open: true) { checks.alpha = alpha }
        if let value = fields["min_samples"], let count = integer(value, at: "\(at).min_samples") {
            if count >= 1 { checks.minimumSamples = count } else { problem("\(at).min_samples", "must be at least 1, got \(count)") }
        }
        if let value = fields["max_rejected_share"], let share = probability(value, at: "\(at).max_rejected_share", open: false) {
            checks.maxRejectedShare = share
        }

        if let latency = fields["latency"],
           let entries = object(latency, at: "\(at).latency", keys: ["enabled", "critical", "quantile_margins", "shift_margin"]) {
            readSwitches(entries, at: "\(at).latency", enabled: &checks.latency.isEnabled, critical: &checks.latency.isCritical)
            if let margins = entries["quantile_margins"] {
                let names = LatencyQuantile.allCases.map(\.rawValue)
                if let table = object(margins, at: "\(at).latency.quantile_margins", keys: names) {
                    var parsed: [LatencyQuantile: Double] = [:]
                    for (key, value) in table {
                        if let quantile = LatencyQuantile(rawValue: key), let margin = nonNegative(value, at: "\(at).latency.quantile_margins.\(key)") {
                            parsed[quantile] = margin
                        }
                    }
                    checks.latency.quantileMargins = parsed
                }
            }
            if let value = entries["shift_margin"], let margin = nonNegative(value, at: "\(at).latency.shift_margin") {
                checks.latency.shiftMargin = margin
            }
        }

        if let errorRate = fields["error_rate"],
           let entries = object(errorRate, at: "\(at).error_rate", keys: ["enabled", "critical", "margin"]) {
            readSwitches(entries, at: "\(at).error_rate", enabled: &checks.errorRate.isEnabled, critical: &checks.errorRate.isCritical)
            if let value = entries["margin"], let margin = probability(value, at: "\(at).error_rate.margin", open: false) {
                checks.errorRate.margin = margin
            }
        }

        if let drift = fields["numeric_drift"] {
            readDrift(drift, at: "\(at).numeric_drift", warnKey: "warn_psi", failKey: "fail_psi", into: &checks.numericDrift)
        }
        if let drift = fields["categorical_drift"] {
            readDrift(drift, at: "\(at).categorical_drift", warnKey: "warn_js", failKey: "fail_js", into: &checks.categoricalDrift)
        }

        if !checks.latency.isEnabled && !checks.errorRate.isEnabled && !checks.numericDrift.isEnabled
            && !checks.categoricalDrift.isEnabled {
            problem(at, "every check is disabled, so every run would be inconclusive; enable at least one")
        }

        if let split = fields["traffic_split"],
           let entries = object(split, at: "\(at).traffic_split", keys: ["expected_gray_share", "alpha"]) {
            if let value = entries["expected_gray_share"] {
                if value == .null {
                    checks.trafficSplit.expectedGrayShare = nil
                } else if let share = probability(value, at: "\(at).traffic_split.expected_gray_share", open: true) {
                    checks.trafficSplit.expectedGrayShare = share
                }
            }
            if let value = entries["alpha"], let alpha = probability(value, at: "\(at).traffic_split.alpha", open: true) {
                checks.trafficSplit.alpha = alpha
            }
        }
    }

    private mutating func readSwitches(_ entries: [String: JSONDocument], at path: String, enabled: inout Bool, critical: inout Bool) {
        if let value = entries["enabled"], let flag = bool(value, at: "\(path).enabled") { enabled = flag }
        if let value = entries["critical"], let flag = bool(value, at: "\(path).critical") { critical = flag }
    }

    private mutating func readDrift(_ value: JSONDocument, at path: String, warnKey: String, failKey: String,
                                    into settings: inout DriftCheckSettings) {
        guard let entries = object(value, at: path, keys: ["enabled", "critical", warnKey, failKey]) else { return }
        readSwitches(entries, at: path, enabled: &settings.isEnabled, critical: &settings.isCritical)
        if let value = entries[warnKey], let threshold = nonNegative(value, at: "\(path).\(warnKey)") { settings.warnThreshold = threshold }
        if let value = entries[failKey], let threshold = nonNegative(value, at: "\(path).\(failKey)") { settings.failThreshold = threshold }
        if settings.warnThreshold > settings.failThreshold {
            problem(path, "\(warnKey) (\(settings.warnThreshold)) must not exceed \(failKey) (\(settings.failThreshold))")
        }
    }

    // MARK: - Input

    private mutating func readInput(_ value: JSONDocument, into input: inout InputSettings) {
        let at = "$.input"
        let keys = ["max_line_bytes", "exact_sample_limit", "sketch_relative_accuracy", "wrapper"]
        guard let fields = object(value, at: at, keys: keys) else { return }
        if let value = fields["max_line_bytes"], let bytes = integer(value, at: "\(at).max_line_bytes") {
            if (64...(1 << 30)).contains(bytes) { input.maxLineBytes = bytes } else {
                problem("\(at).max_line_bytes", "must be between 64 and 1073741824, got \(bytes)")
            }
        }
        if let value = fields["exact_sample_limit"], let count = integer(value, at: "\(at).exact_sample_limit") {
            if (0...1_000_000).contains(count) { input.exactSampleLimit = count } else {
                problem("\(at).exact_sample_limit", "must be between 0 and 1000000, got \(count)")
            }
        }
        if let value = fields["sketch_relative_accuracy"], let accuracy = number(value, at: "\(at).sketch_relative_accuracy") {
            if accuracy >= 0.0001 && accuracy <= 0.05 { input.sketchRelativeAccuracy = accuracy } else {
                problem("\(at).sketch_relative_accuracy", "must be between 0.0001 and 0.05, got \(accuracy)")
            }
        }
        if let value = fields["wrapper"], let name = string(value, at: "\(at).wrapper") {
            if let wrapper = LogWrapper(rawValue: name) {
                input.wrapper = wrapper
            } else {
                let known = LogWrapper.allCases.map(\.rawValue).joined(separator: ", ")
                problem("\(at).wrapper", "unknown wrapper '\(name)'; expected one of \(known)")
            }
        }
    }

    // MARK: - Typed readers

    private mutating func problem(_ path: String, _ message: String) {
        problems.append(ConfigurationError.Problem(path: path, message: message))
    }

    private mutating func object(_ value: JSONDocument, at path: String, keys: [String]) -> [String: JSONDocument]? {
        guard case .object(let fields) = value else {
            problem(path, "expected an object, got \(value.typeName)")
            return nil
        }
        for key in fields.keys.sorted() where !keys.contains(key) {
            let suggestion = keys.min(by: { editDistance($0, key) < editDistance($1, key) })
            let known = keys.joined(separator: ", ")
            if let suggestion, editDistance(suggestion, key) <= 3 {
                problem("\(path).\(key)", "unknown key; did you mean '\(suggestion)'? Known keys: \(known)")
            } else {
                problem("\(path).\(key)", "unknown key; known keys: \(known)")
            }
        }
        return fields
    }

    private mutating func required(_ fields: [String: JSONDocument], _ key: String, at path: String) -> JSONDocument? {
        guard let value = fields[key] else {
            problem("\(path).\(key)", "missing; this key is required")
            return nil
        }
        return value
    }

    private mutating func array(_ value: JSONDocument, at path: String) -> [JSONDocument]? {
        guard case .array(let items) = value else {
            problem(path, "expected an array, got \(value.typeName)")
            return nil
        }
        return items
    }

    private mutating func string(_ value: JSONDocument, at path: String) -> String? {
        guard case .string(let text) = value else {
            problem(path, "expected a string, got \(value.typeName)")
            return nil
        }
        return text
    }

    private mutating func strings(_ value: JSONDocument, at path: String) -> [String]? {
        guard let items = array(value, at: path) else { return nil }
        let texts = items.enumerated().compactMap { string($1, at: "\(path)[\($0)]") }
        if texts.isEmpty { problem(path, "must list at least one value") }
        return texts.count == items.count && !texts.isEmpty ? texts : nil
    }

    private mutating func bool(_ value: JSONDocument, at path: String) -> Bool? {
        guard case .bool(let flag) = value else {
            problem(path, "expected true or false, got \(value.typeName)")
            return nil
        }
        return flag
    }

    private mutating func number(_ value: JSONDocument, at path: String) -> Double? {
        guard case .number(let number) = value, number.isFinite else {
            problem(path, "expected a number, got \(value.typeName)")
            return nil
        }
        return number
    }

    private mutating func integer(_ value: JSONDocument, at path: String) -> Int? {
        guard let number = number(value, at: path) else { return nil }
        guard number == number.rounded(), abs(number) < 1e15 else {
            problem(path, "expected a whole number, got \(number)")
            return nil
        }
        return Int(number)
    }

    private mutating func nonNegative(_ value: JSONDocument, at path: String) -> Double? {
        guard let number = number(value, at: path) else { return nil }
        guard number >= 0 else {
            problem(path, "must not be negative, got \(number)")
            return nil
        }
        return number
    }

    /// Reads a number in [0, 1], or in (0, 1) when `open` is true.
    private mutating func probability(_ value: JSONDocument, at path: String, open: Bool) -> Double? {
        guard let number = number(value, at: path) else { return nil }
        let isValid = open ? number > 0 && number < 1 : number >= 0 && number <= 1
        guard isValid else {
            problem(path, "must be between 0 and 1\(open ? " (exclusive)" : ""), got \(number)")
            return nil
        }
        return number
    }

    /// Reads the keys of a `ValueTransform` from a field's entries; nil when the field has none.
    ///
    /// `json` is a path inside a string that contains JSON; `split` is `{"separator": "|", "index": 2}`;
    /// `regex` is a pattern whose capture `group` (default 1, or 0 without groups) is the value.
    private mutating func transform(_ entries: [String: JSONDocument], at path: String) -> ValueTransform? {
        var transform = ValueTransform()
        if let embedded = entries["json"] {
            transform.embeddedPath = fieldPath(embedded, at: "\(path).json")
        }
        if entries["split"] != nil && entries["regex"] != nil {
            problem(path, "give split or regex, not both")
        }
        if let split = entries["split"], let parts = object(split, at: "\(path).split", keys: ["separator", "index"]) {
            let separator = required(parts, "separator", at: "\(path).split").flatMap { string($0, at: "\(path).split.separator") }
            let index = required(parts, "index", at: "\(path).split").flatMap { integer($0, at: "\(path).split.index") }
            if let separator, let index {
                if separator.isEmpty {
                    problem("\(path).split.separator", "must not be empty")
                } else {
                    transform.extraction = .split(separator: separator, index: index)
                }
            }
        }
        if let regex = entries["regex"], let pattern = string(regex, at: "\(path).regex") {
            do {
                let compiled = try NSRegularExpression(pattern: pattern)
                let group = entries["group"].flatMap { integer($0, at: "\(path).group") } ?? min(1, compiled.numberOfCaptureGroups)
                if (0...compiled.numberOfCaptureGroups).contains(group) {
                    transform.extraction = .regex(pattern: pattern, group: group)
                } else {
                    let groups = compiled.numberOfCaptureGroups == 1 ? "1 capture group" : "\(compiled.numberOfCaptureGroups) capture groups"
                    problem("\(path).group", "the pattern has \(groups), so group \(group) does not exist")
                }
            } catch {
                problem("\(path).regex", "invalid regular expression '\(pattern)'")
            }
        } else if entries["group"] != nil {
            problem("\(path).group", "group needs regex")
        }
        return transform == ValueTransform() ? nil : transform
    }

    private mutating func fieldPath(_ value: JSONDocument, at path: String) -> FieldPath? {
        guard let text = string(value, at: path) else { return nil }
        guard let parsed = FieldPath(text) else {
            problem(path, "invalid field path '\(text)'; use dotted keys such as 'prediction.score'")
            return nil
        }
        return parsed
    }

    private mutating func statusRanges(_ value: JSONDocument, at path: String) -> [ClosedRange<Int>]? {
        guard let items = array(value, at: path) else { return nil }
        var ranges: [ClosedRange<Int>] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            switch item {
            case .number:
                if let code = integer(item, at: itemPath) {
                    if (100...999).contains(code) {
                        ranges.append(code...code)
                    } else {
                        problem(itemPath, "status code \(code) is outside 100-999")
                    }
                }
            case .string(let text):
                if let range = StatusRange.parse(text), range.lowerBound >= 100, range.upperBound <= 999 {
                    ranges.append(range)
                } else {
                    problem(itemPath, "invalid status range '\(text)'; use a code (503), a range (500-599) or a class (5xx)")
                }
            default:
                problem(itemPath, "expected a status code or range, got \(item.typeName)")
            }
        }
        return ranges
    }
}

/// Status code ranges as written in configurations and flags: `503`, `500-599` or `5xx`.
public enum StatusRange {
    public static func parse(_ text: String) -> ClosedRange<Int>? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.count == 3, trimmed.hasSuffix("xx"), let digit = Int(trimmed.prefix(1)) {
            return (digit * 100)...(digit * 100 + 99)
        }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, let code = Int(parts[0]) { return code...code }
        if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low <= high { return low...high }
        return nil
    }
}

/// Returns the Levenshtein distance between two short strings, for suggesting a misspelt key.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
