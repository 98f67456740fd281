import Glibc

/// The outcome of one wait for live input.
public enum LiveRead: Equatable, Sendable {
    /// This many bytes were read into the buffer.
    case bytes(Int)

    /// Nothing arrived within the timeout; the input goes on.
    case idle

    /// The input ended.
    case end
}

/// A source of log bytes that arrive over time: standard input, a pipe, or a followed file.
public protocol LiveInput: AnyObject {
    /// The name in messages and reports.
    var name: String { get }

    /// Waits up to `timeout` seconds for bytes and reads what is there, without waiting to fill the buffer,
    /// so each line is handled as soon as it arrives.
    func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Double) throws(InputError) -> LiveRead
}

/// Standard input or an opened file or pipe, read until it ends.
public final class StreamInput: LiveInput {
    public let name: String
    private let reader: FileReader
    private let descriptor: Int32

    /// Opens `path`; `-` means standard input.
    public init(path: String) throws(InputError) {
        name = path
        reader = try FileReader(path: path)
        descriptor = reader.descriptor
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Double) throws(InputError) -> LiveRead {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&request, 1, Int32((timeout * 1000).rounded(.up)))
        // A signal (SIGINT, SIGTERM) interrupts the wait; the caller then checks why and calls again.
        if ready == 0 || (ready < 0 && errno == EINTR) { return .idle }
        if ready < 0 { throw .readFailed(path: name, reason: String(cString: strerror(errno))) }
        let count = try reader.read(into: buffer)
        return count == 0 ? .end : .bytes(count)
    }
}

/// A log file followed as `tail -F` does: read from the start, then every line appended, across rotation
/// (the path renamed and created anew) and truncation (the file cut back, as `copytruncate` does).
///
/// The file is polled every quarter second at most, which needs nothing from the file system, works on
/// every mount, and is well within the one-second delay allowed between a line's arrival and its count.
public final class FollowedFile: LiveInput {
    public let name: String

    /// Called with a sentence when the file is rotated, truncated, missing or back.
    public var onNotice: ((String) -> Void)?

    /// Called when reading starts over on a new or truncated file, before its first bytes, so line
    /// numbers can restart.
    public var onRestart: (() -> Void)?

    private var descriptor: Int32 = -1
    private var identity: (device: UInt, inode: UInt)?
    private var offset: Int64 = 0
    private var isWaitingForFile = false

    /// The last bytes read before `offset`, to notice a file truncated and written past `offset` again
    /// between two polls, which its size alone cannot show.
    private var lastBytes: [UInt8] = []
    private var isAtEnd = false

    /// The maximum sleep between polls, in seconds.
    private let pollInterval = 0.25

    public init(path: String) throws(InputError) {
        name = path
        var status = stat()
        if stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
            throw .cannotOpen(path: path, reason: "it is a directory; follow one log file")
        }
        openFile()
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Never returns `.end`: a followed file ends only when the watch is stopped.
    public func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Double) throws(InputError) -> LiveRead {
        if descriptor < 0 {
            openFile()
            if descriptor < 0 {
                sleep(seconds: min(timeout, pollInterval))
                return .idle
            }
        }

        if isAtEnd && !lastBytes.isEmpty && hasBeenRewritten() {
            restart(notice: "\(name) was truncated and written again; reading it again from the start")
            return .idle
        }
        let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
        if count > 0 {
            offset += Int64(count)
            isAtEnd = false
            let tailLength = min(count, 64)
            lastBytes = Array(UnsafeRawBufferPointer(rebasing: buffer[(count - tailLength)..<count]))
            return .bytes(count)
        }
        isAtEnd = true
        if count < 0 && errno != EINTR {
            throw .readFailed(path: name, reason: String(cString: strerror(errno)))
        }

        // At the end of what is written: has the file been replaced or cut back since?
        var status = stat()
        if stat(name, &status) == 0 {
            if let identity, identity != (UInt(status.st_dev), UInt(status.st_ino)) {
                // Rotated: everything written to the old file has been read, so switch to the new one.
                close(descriptor)
                descriptor = -1
                isWaitingForFile = false
                onNotice?("\(name) was rotated; following the new file from its start")
                openFile()
                onRestart?()
                return .idle
            }
            if Int64(status.st_size) < offset {
                restart(notice: "\(name) was truncated; reading it again from the start")
                return .idle
            }
        } else if !isWaitingForFile {
            // Renamed away and not yet created anew: keep the old file open, as more may still be written to it.
            isWaitingForFile = true
            onNotice?("\(name) is gone; waiting for it to appear again")
        }
        sleep(seconds: min(timeout, pollInterval))
        return .idle
    }

    /// Compares the bytes before `offset` with those read there, which differ after a truncation.
    private func hasBeenRewritten() -> Bool {
        var current = [UInt8](repeating: 0, count: lastBytes.count)
        let start = offset - Int64(lastBytes.count)
        let count = current.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
        return count != lastBytes.count || current != lastBytes
    }

    private func restart(notice: String) {
        onNotice?(notice)
        lseek(descriptor, 0, SEEK_SET)
        offset = 0
        lastBytes = []
        isAtEnd = false
        onRestart?()
    }

    private func openFile() {
        let opened = open(name, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            if !isWaitingForFile {
                isWaitingForFile = true
                onNotice?("\(name) cannot be opened (\(String(cString: strerror(errno)))); waiting for it to appear")
            }
            return
        }
        var status = stat()
        fstat(opened, &status)
        if isWaitingForFile {
            isWaitingForFile = false
            onNotice?("\(name) appeared; following it")
        }
        descriptor = opened
        identity = (UInt(status.st_dev), UInt(status.st_ino))
        offset = 0
        lastBytes = []
        isAtEnd = false
    }

    private func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        // A signal ends the sleep early, so the caller reacts to SIGINT at once; the time left is dropped.
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        nanosleep(&request, &remaining)
    }
}
