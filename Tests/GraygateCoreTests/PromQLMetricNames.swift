/// Finds the metric names that a PromQL expression selects, for checking dashboards and rules against the
/// families graygate exports.
///
/// This is a tokenizer, not a PromQL parser. It drops string literals, label matchers in braces, range and
/// subquery brackets, comments, numbers and durations, and Grafana variables (`$job`, `${datasource}`,
/// `[[name]]`). Of the identifiers left, those followed by `(` are functions, keywords and aggregation
/// operators are skipped along with the label lists of `by`, `without`, `on`, `ignoring`, `group_left` and
/// `group_right`, and the rest are metric names. A selector written as `{__name__="…"}` is not seen.
enum PromQLMetricNames {
    private static let keywords: Set<String> = [
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right",
        "inf", "nan", "atan2",
        // Aggregation operators, which may be followed by `by (…)` before their parenthesis.
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
        "limitk", "limit_ratio",
    ]

    /// The keywords followed by a parenthesized list of label names.
    private static let labelListKeywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]

    static func names(in expression: String) -> Set<String> {
        let characters = Array(expression)
        var names: Set<String> = []
        var index = 0

        /// Skips from an opening character to its closing one, stepping over quoted strings.
        func skipGroup(closing: Character) {
            index += 1
            while index < characters.count && characters[index] != closing {
                if characters[index] == "\"" || characters[index] == "'" || characters[index] == "`" {
                    skipString()
                } else {
                    index += 1
                }
            }
            index += 1
        }

        func skipString() {
            let quote = characters[index]
            index += 1
            while index < characters.count && characters[index] != quote {
                index += characters[index] == "\\" ? 2 : 1
            }
            index += 1
        }

        func isIdentifierStart(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character == "_" || character == ":")
        }

        func isIdentifierPart(_ character: Character) -> Bool {
            isIdentifierStart(character) || (character.isASCII && character.isNumber)
        }

        func nextNonSpace() -> Character? {
            var position = index
            while position < characters.count && characters[position].isWhitespace { position += 1 }
            return position < characters.count ? characters[position] : nil
        }

        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\"", "'", "`":
                skipString()
            case "{":
                skipGroup(closing: "}")
            case "[":
                skipGroup(closing: "]")
            case "#":
                while index < characters.count && characters[index] != "\n" { index += 1 }
            case "$":
                // A Grafana variable: $name or ${name}.
                index += 1
                if index < characters.count && characters[index] == "{" {
                    skipGroup(closing: "}")
                } else {
                    while index < characters.count && isIdentifierPart(characters[index]) { index += 1 }
                }
            case _ where character.isASCII && character.isNumber:
                // Numbers and durations, such as 0.99, 1e-20, 0x1F or 5m.
                while index < characters.count && (isIdentifierPart(characters[index]) || characters[index] == ".") {
                    index += 1
                }
            case _ where isIdentifierStart(character):
                var identifier = ""
                while index < characters.count && isIdentifierPart(characters[index]) {
                    identifier.append(characters[index])
                    index += 1
                }
                let lowercased = identifier.lowercased()
                if labelListKeywords.contains(lowercased) {
                    while index < characters.count && characters[index].isWhitespace { index += 1 }
                    if index < characters.count && characters[index] == "(" { skipGroup(closing: ")") }
                } else if !keywords.contains(lowercased) && nextNonSpace() != "(" {
                    names.insert(identifier)
                }
            default:
                index += 1
            }
        }
        return names
    }
}
