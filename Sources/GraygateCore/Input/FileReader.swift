import Glibc

/// Reads a file or standard input in large blocks through `read(2)`, without Foundation's buffering.
final class FileReader {
    /// The name used in messages: the path, or `-` for standard input.
    let path: String

    /// The size in bytes for a regular file, or `nil` for a pipe, terminal or standard input.
    let size: UInt64?

    let descriptor: Int32
    private let ownsDescriptor: Bool

    /// Opens `path` for reading; `-` means standard input.
    init(path: String) throws(InputError) {
        self.path = path
        if path == "-" {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
        } else {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            descriptor = opened
            ownsDescriptor = true
        }

        var status = stat()
        let kind = fstat(descriptor, &status) == 0 ? status.st_mode & S_IFMT : 0
        if kind == S_IFDIR {
            if ownsDescriptor { close(descriptor) }
            throw .cannotOpen(path: path, reason: "it is a directory; pass the log files inside it")
        }
        size = kind == S_IFREG ? UInt64(status.st_size) : nil
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Reads up to `buffer.count` bytes and returns how many were read; 0 means end of input.
    ///
    /// Retries reads interrupted by a signal, so a `SIGWINCH` or `SIGCHLD` never ends the input early.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .readFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
