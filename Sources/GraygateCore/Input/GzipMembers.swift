/// The position of a gzip decoder among the members of a stream, shared by the zlib and igzip decoders so
/// both judge member boundaries, trailing garbage and truncation alike.
struct GzipMembers {
    let path: String

    /// Compressed bytes consumed so far, for locating damage in messages.
    private(set) var compressedOffset: UInt64 = 0

    /// True between the end of one member and the first byte of the next.
    private(set) var isBetweenMembers = false

    /// True once any byte of the current member has been consumed.
    private var hasMemberStarted = false

    /// The compressed offset where the current member began.
    private(set) var memberStartOffset: UInt64 = 0

    init(path: String) {
        self.path = path
    }

    /// Checks that the bytes after a finished member start another member, and starts it.
    ///
    /// A new member must start with the gzip magic bytes 0x1F 0x8B; anything else is not a log rotation.
    /// When only the first byte has arrived, the second is the decoder's to check in its header.
    mutating func beginNextMember(_ next: UnsafePointer<UInt8>, available: Int) throws(InputError) {
        if next[0] != 0x1F || (available > 1 && next[1] != 0x8B) {
            throw .trailingGarbage(path: path, compressedOffset: compressedOffset)
        }
        isBetweenMembers = false
        hasMemberStarted = false
        memberStartOffset = compressedOffset
    }

    /// Counts bytes a decoder step consumed; negative when a decoder hands buffered bytes back.
    mutating func consumed(_ count: Int64) {
        compressedOffset = UInt64(max(0, Int64(compressedOffset) + count))
        if count > 0 { hasMemberStarted = true }
    }

    /// Marks the end of the current member.
    mutating func endMember() {
        isBetweenMembers = true
    }

    /// Returns whether a header error lies within the first two bytes of a later member.
    ///
    /// When a block ends right after 0x1F, the decoder checks the second magic byte as part of the header,
    /// and rejects a wrong one as a bad header. Those bytes are trailing garbage, as they are when both
    /// arrive in one block.
    var isInSecondMagicByte: Bool {
        memberStartOffset > 0 && compressedOffset - memberStartOffset <= 2
    }

    var trailingGarbage: InputError {
        .trailingGarbage(path: path, compressedOffset: memberStartOffset)
    }

    /// Reports whether the stream ended cleanly at the end of input.
    ///
    /// - Throws: `InputError.truncatedGzip` when the input ended inside a member.
    func finish() throws(InputError) {
        if hasMemberStarted && !isBetweenMembers {
            throw .truncatedGzip(path: path, compressedOffset: compressedOffset)
        }
    }
}
