/// The value found at one configured path of a line, before any interpretation.
enum ScannedValue: Equatable, Sendable {
    /// The path does not exist in the line.
    case missing

    /// The JSON literal `null`.
    case null

    /// The JSON literal `true` or `false`.
    case bool(Bool)

    /// A JSON number, parsed to the nearest `Double`; out-of-range numbers are ±infinity.
    case number(Double, text: ByteSpan)

    /// A JSON string; the span covers the bytes between the quotes, escapes not yet decoded.
    case string(ByteSpan, hasEscapes: Bool)

    /// A JSON object or array.
    case compound
}

/// A range of bytes within the current line.
struct ByteSpan: Equatable, Sendable {
    /// The offset of the first byte from the start of the line.
    var start: Int

    /// The number of bytes.
    var count: Int
}

/// The reason a line is not a JSON object, and the column where the scanner stopped.
struct JSONSyntaxError: Error, Equatable, Sendable {
    enum Kind: String, Sendable {
        case notAnObject = "not a JSON object"
        case unexpectedEnd = "unexpected end of line"
        case unexpectedCharacter = "unexpected character"
        case invalidString = "invalid string"
        case controlCharacterInString = "unescaped control character in a string"
        case invalidEscape = "invalid escape sequence in a string"
        case invalidNumber = "invalid number"
        case invalidLiteral = "invalid literal"
        case trailingCharacters = "characters after the JSON object"
        case nestingTooDeep = "nesting deeper than 512 levels"
    }

    var kind: Kind

    /// The 1-based byte column where the problem was found.
    var column: Int
}
