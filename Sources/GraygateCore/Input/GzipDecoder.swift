/// A streaming gzip decoder of one or more members: zlib always, ISA-L's igzip where it was built in.
///
/// Both behave alike. Output is passed on as it is decoded, and a new member after the end of one is
/// decoded on, because rotated logs are concatenated members. Bytes after a member that are not a gzip
/// header are `InputError.trailingGarbage`; input that ends inside a member is `InputError.truncatedGzip`.
protocol GzipDecoder: AnyObject {
    /// Decodes `input` and passes each block of plain bytes to `consume` before returning.
    func inflate(_ input: UnsafeRawBufferPointer, into consume: (UnsafeRawBufferPointer) throws -> Void) throws

    /// Reports whether the stream ended cleanly at the end of input.
    func finish() throws(InputError)
}

/// The gzip decoder to use.
public enum GzipDecoderChoice: String, Sendable, CaseIterable {
    /// ISA-L when it was built in, else zlib.
    case automatic = "auto"
    case zlib
    case isal = "isa-l"

    /// The decoders this build of graygate contains.
    public static var available: [GzipDecoderChoice] {
        #if canImport(CISAL)
        return [.zlib, .isal]
        #else
        return [.zlib]
        #endif
    }

    /// The decoder `.automatic` stands for in this build.
    public var resolved: GzipDecoderChoice {
        guard self == .automatic else { return self }
        return Self.available.contains(.isal) ? .isal : .zlib
    }

    func makeDecoder(path: String) throws(InputError) -> any GzipDecoder {
        switch resolved {
        case .isal:
            #if canImport(CISAL)
            return try IgzipInflater(path: path)
            #else
            throw InputError.decoderUnavailable(name: rawValue)
            #endif
        case .zlib, .automatic:
            return try GzipInflater(path: path)
        }
    }
}

extension GzipInflater: GzipDecoder {}
