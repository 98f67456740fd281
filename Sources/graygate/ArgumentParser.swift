/// A small command-line parser: options with values (`--name value`, `--name=value`, `-n value`), flags,
/// and positional arguments; everything after `--` is positional.
struct ArgumentParser {
    /// An option the command accepts.
    struct Option {
        var names: [String]
        var takesValue: Bool
    }

    let command: String
    let options: [Option]

    private(set) var values: [String: [String]] = [:]
    private(set) var positionals: [String] = []

    init(command: String, options: [Option]) {
        self.command = command
        self.options = options
    }

    mutating func parse(_ arguments: [String]) throws(UsageError) {
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }

            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = options.first(where: { $0.names.contains(name) }) else {
                throw UsageError(message: "unknown option '\(name)'" + suggestion(for: name), command: command)
            }
            let key = option.names[0]
            if option.takesValue {
                if let inlineValue {
                    values[key, default: []].append(inlineValue)
                } else if index < arguments.count {
                    values[key, default: []].append(arguments[index])
                    index += 1
                } else {
                    throw UsageError(message: "option '\(name)' needs a value", command: command)
                }
            } else {
                guard inlineValue == nil else {
                    throw UsageError(message: "option '\(name)' takes no value", command: command)
                }
                values[key, default: []].append("")
            }
        }
    }

    func has(_ name: String) -> Bool { values[name] != nil }

    /// Returns the last value given for an option, so a later flag overrides an earlier one.
    func value(_ name: String) -> String? { values[name]?.last }

    func allValues(_ name: String) -> [String] { values[name] ?? [] }

    func double(_ name: String, in range: ClosedRange<Double>? = nil) throws(UsageError) -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite else {
            throw UsageError(message: "invalid value '\(text)' for \(name): expected a number", command: command)
        }
        if let range, !range.contains(number) {
            throw UsageError(message: "invalid value '\(text)' for \(name): expected a number from \(range.lowerBound) to \(range.upperBound)", command: command)
        }
        return number
    }

    func integer(_ name: String, in range: ClosedRange<Int>? = nil) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text.replacingUnderscores()) else {
            throw UsageError(message: "invalid value '\(text)' for \(name): expected a whole number", command: command)
        }
        if let range, !range.contains(number) {
            throw UsageError(message: "invalid value '\(text)' for \(name): expected a whole number from \(range.lowerBound) to \(range.upperBound)", command: command)
        }
        return number
    }

    /// Suggests the known option closest to a mistyped one, within a few edits.
    private func suggestion(for name: String) -> String {
        let known = options.flatMap(\.names).filter { $0.hasPrefix("--") }
        let closest = known.map { ($0, editDistance($0, name)) }.min { $0.1 < $1.1 }
        guard let closest, closest.1 <= 3 else { return "" }
        return "; did you mean '\(closest.0)'?"
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in a.indices {
            var current = [i + 1]
            for j in b.indices {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a[i] == b[j] ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// A mistake in the command line: exit status 64 (EX_USAGE), with a pointer to the command's help.
struct UsageError: Error {
    var message: String
    var command: String
}

extension String {
    /// Drops digit-group underscores, so `4_000_000` reads as a number.
    fileprivate func replacingUnderscores() -> String {
        String(filter { $0 != "_" })
    }
}
