import Glibc

/// A file or standard output written with `write(2)`.
///
/// A regular file (or a new one) is written under a temporary name beside it and renamed into place on
/// close, so an interrupted run never leaves a partial file under the requested name. Anything else that
/// exists at the path (a symbolic link such as /dev/stdout, a device, a FIFO) is opened and written
/// through, since renaming onto it would replace it.
final class OutputFile {
    private let descriptor: Int32
    private let path: String?
    private let temporaryPath: String?
    private var isClosed = false

    init(path: String?) throws {
        self.path = path
        guard let path, path != "-" else {
            descriptor = STDOUT_FILENO
            temporaryPath = nil
            return
        }
        var status = stat()
        if lstat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
            let opened = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard opened >= 0 else {
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            descriptor = opened
            temporaryPath = nil
            return
        }
        // The process id alone repeats across containers (each pod's graygate may be process 1).
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let opened = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            throw OutputError(path: path, reason: String(cString: strerror(errno)))
        }
        descriptor = opened
        temporaryPath = temporary
    }

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path ?? "standard output", reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    deinit {
        // A run that failed before close() leaves no temporary file behind.
        if !isClosed, let temporaryPath {
            Glibc.close(descriptor)
            unlink(temporaryPath)
        }
    }

    func close() throws {
        guard let path, path != "-" else { return }
        isClosed = true
        guard let temporaryPath else {
            // Written through to a device or FIFO; only the descriptor is left to close.
            if Glibc.close(descriptor) != 0 {
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            return
        }
        guard Glibc.close(descriptor) == 0, rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw OutputError(path: path, reason: reason)
        }
    }
}

/// A failure to write an output file.
struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String

    /// Whether the write failed because the reading end of a pipe was closed.
    var isBrokenPipe: Bool { reason == String(cString: strerror(EPIPE)) }

    var description: String { "Cannot write '\(path)': \(reason)" }
}
