#if canImport(CISAL)
import CISAL

/// Inflates a gzip stream of one or more members with ISA-L's igzip, about four times faster than zlib.
///
/// It follows `GzipInflater` step for step. Decoded bytes are passed on at once, and a finished member is
/// followed by a reset for the next one. `GzipMembers` judges trailing garbage and truncation for both. igzip parses the gzip header and checks the CRC-32 and length of
/// each member itself when `crc_flag` is `ISAL_GZIP`.
final class IgzipInflater {
    /// The decoder state, about 80 KB with its history and Huffman tables, kept on the heap.
    private let state: UnsafeMutablePointer<inflate_state>
    private var output: UnsafeMutableRawBufferPointer
    private let path: String
    private var members: GzipMembers

    /// Compressed bytes consumed so far, for locating damage in messages.
    var compressedOffset: UInt64 { members.compressedOffset }

    /// True when a new member's first byte, 0x1F, ended an input block: igzip checks magic bytes only
    /// with a whole header, so the second byte is checked here when the next block arrives.
    private var needsSecondMagicByte = false

    /// True once the current member's flag byte was checked for reserved bits, which igzip ignores.
    private var hasCheckedHeaderFlags = false

    init(path: String, outputCapacity: Int = 256 << 10) throws(InputError) {
        self.path = path
        members = GzipMembers(path: path)
        state = .allocate(capacity: 1)
        output = .allocate(byteCount: outputCapacity, alignment: 64)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
    }

    deinit {
        state.deallocate()
        output.deallocate()
    }
}

extension IgzipInflater: GzipDecoder {
    func inflate(_ input: UnsafeRawBufferPointer, into consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        state.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(input.count)

        if needsSecondMagicByte {
            needsSecondMagicByte = false
            if input[0] != 0x8B {
                throw members.trailingGarbage
            }
        }

        while state.pointee.avail_in > 0 || hasPendingOutput {
            if members.isBetweenMembers {
                guard state.pointee.avail_in > 0 else { return }
                // Safe: avail_in > 0 means next_in points at input.
                try members.beginNextMember(state.pointee.next_in!, available: Int(state.pointee.avail_in))
                isal_inflate_reset(state)
                state.pointee.crc_flag = UInt32(ISAL_GZIP)
                needsSecondMagicByte = state.pointee.avail_in == 1
                hasCheckedHeaderFlags = false
            }
            if !hasCheckedHeaderFlags {
                try checkHeaderFlags()
            }

            state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(output.count)
            let availableBefore = state.pointee.avail_in
            let code = isal_inflate(state)
            // igzip can hand back bytes it had buffered as bits, so avail_in may grow within a call.
            let consumed = Int64(availableBefore) - Int64(state.pointee.avail_in)
            members.consumed(consumed)

            let produced = output.count - Int(state.pointee.avail_out)
            if produced > 0 {
                try consume(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
            }

            guard code >= 0 else {
                if code == ISAL_INVALID_WRAPPER && members.isInSecondMagicByte {
                    throw members.trailingGarbage
                }
                throw InputError.corruptGzip(path: path, compressedOffset: members.compressedOffset, reason: Self.describe(code))
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                members.endMember()
                continue
            }
            if consumed == 0 && produced == 0 { return }  // More input is needed to go on.
        }
    }

    func finish() throws(InputError) {
        try members.finish()
    }

    /// Rejects a member whose flag byte (header byte 3) has a reserved bit set, as RFC 1952 requires and
    /// zlib does; igzip 2.30 accepts it. The byte may arrive in a later input block than the header's start.
    private func checkHeaderFlags() throws(InputError) {
        let flagPosition: UInt64 = 3
        let start = members.memberStartOffset
        let intoMember = members.compressedOffset > start ? members.compressedOffset - start : 0
        guard intoMember <= flagPosition else {
            hasCheckedHeaderFlags = true
            return
        }
        let distance = Int(flagPosition - intoMember)
        guard distance < Int(state.pointee.avail_in), let next = state.pointee.next_in else { return }
        hasCheckedHeaderFlags = true
        let reservedFlags: UInt8 = 0xE0
        if next[distance] & reservedFlags != 0 {
            throw .corruptGzip(path: path, compressedOffset: members.memberStartOffset + flagPosition,
                               reason: "unknown header flags set")
        }
    }

    /// Whether igzip keeps decoded bytes that did not fit the last output buffer.
    private var hasPendingOutput: Bool {
        !members.isBetweenMembers && (state.pointee.tmp_out_valid > state.pointee.tmp_out_processed
            || state.pointee.copy_overflow_length > 0 || state.pointee.write_overflow_len > 0)
    }

    private static func describe(_ code: Int32) -> String {
        switch code {
        case ISAL_INVALID_BLOCK: return "invalid deflate block"
        case ISAL_INVALID_SYMBOL: return "invalid deflate symbol"
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: return "invalid gzip header"
        case ISAL_UNSUPPORTED_METHOD: return "unknown compression method"
        case ISAL_INCORRECT_CHECKSUM: return "incorrect data check"
        default: return "igzip error \(code)"
        }
    }
}
#endif
