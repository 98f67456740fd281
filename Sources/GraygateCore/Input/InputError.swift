/// A failure to read an input: the file could not be opened or read, or its gzip stream is damaged.
public enum InputError: Error, CustomStringConvertible, Equatable {
    /// The file does not exist or cannot be opened.
    case cannotOpen(path: String, reason: String)

    /// A read from an open file or stdin failed.
    case readFailed(path: String, reason: String)

    /// zlib could not set up its stream (out of memory or a library mismatch).
    case inflaterSetupFailed(code: Int32)

    /// The requested gzip decoder was not built into this graygate.
    case decoderUnavailable(name: String)

    /// The gzip stream is corrupt: zlib rejected the data at this compressed offset.
    case corruptGzip(path: String, compressedOffset: UInt64, reason: String)

    /// The gzip stream ended in the middle of a member, as a file still being written or cut by a crash does.
    case truncatedGzip(path: String, compressedOffset: UInt64)

    /// Bytes after the last complete gzip member are not another gzip member.
    case trailingGarbage(path: String, compressedOffset: UInt64)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "Cannot open '\(path)': \(reason)"
        case .readFailed(let path, let reason):
            return "Read failed for '\(path)': \(reason)"
        case .inflaterSetupFailed(let code):
            return "zlib could not initialize an inflate stream (code \(code))"
        case .decoderUnavailable(let name):
            return "The gzip decoder '\(name)' is not built into this graygate; install libisal-dev and rebuild, or use zlib"
        case .corruptGzip(let path, let offset, let reason):
            return "Corrupt gzip data in '\(path)' at compressed byte \(offset): \(reason)"
        case .truncatedGzip(let path, let offset):
            return "Truncated gzip stream in '\(path)': it ends inside a member after \(offset) compressed bytes"
        case .trailingGarbage(let path, let offset):
            return "Data after the last gzip member in '\(path)' at compressed byte \(offset) is not gzip"
        }
    }

    /// A Boolean value that indicates whether the error damages one input but lets the run go on.
    ///
    /// Damage keeps every complete line read before it; open and read failures stop the run.
    public var isDamage: Bool {
        switch self {
        case .corruptGzip, .truncatedGzip, .trailingGarbage: return true
        case .cannotOpen, .readFailed, .inflaterSetupFailed, .decoderUnavailable: return false
        }
    }
}
