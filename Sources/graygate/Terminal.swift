import Glibc

/// Standard streams, terminal detection and whole-record writes.
enum Terminal {
    /// Whether standard output is a terminal and NO_COLOR is unset, so colors are wanted.
    static var stdoutWantsColor: Bool {
        isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
    }

    static var stderrIsTerminal: Bool {
        isatty(STDERR_FILENO) == 1
    }

    /// Writes text to standard output.
    ///
    /// - Throws: `OutputError` when the write fails, as it does when the reader closed the pipe or the disk
    ///   is full, so the command exits with status 74 instead of the verdict's status on a cut-off report.
    static func writeStdout(_ text: String) throws {
        if !write(text, to: STDOUT_FILENO) {
            throw OutputError(path: "standard output", reason: String(cString: strerror(errno)))
        }
    }

    /// Writes one whole message to standard error in a single write, so lines from concurrent writers
    /// never interleave mid-line.
    static func writeStderr(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    @discardableResult
    private static func write(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
