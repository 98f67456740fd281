/// The steps that turn the value found at a field's path into the value a mapping reads, for log shapes
/// that pack several facts into one string.
///
/// The steps run in this order: `embeddedPath` reads a string as JSON and takes a value inside it, then
/// `extraction` takes a part of the resulting string.
public struct ValueTransform: Sendable, Equatable {
    /// A path inside a string that contains JSON, as loggers write a payload they did not parse. When the
    /// field is an object instead, the path is read inside that object.
    public var embeddedPath: FieldPath?

    /// A part of a string value.
    public var extraction: Extraction?

    public init(embeddedPath: FieldPath? = nil, extraction: Extraction? = nil) {
        self.embeddedPath = embeddedPath
        self.extraction = extraction
    }

    /// A part of a string value.
    public enum Extraction: Sendable, Equatable {
        /// The part at `index` after splitting on `separator`; a negative index counts from the end.
        /// Missing when the string has fewer parts.
        case split(separator: String, index: Int)

        /// The text of capture group `group` (0 for the whole match) of the first match of a regular
        /// expression (ICU syntax, as NSRegularExpression uses). Missing when nothing matches.
        case regex(pattern: String, group: Int)
    }
}
