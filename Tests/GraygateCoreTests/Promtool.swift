import Foundation

/// Runs `promtool`, Prometheus's checking tool (Debian's `prometheus` package), for the metric and rule tests.
enum Promtool {
    static let executable: URL? = {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in searchPath.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("promtool")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }()

    static var isAvailable: Bool { executable != nil }

    static let unavailableReason = "promtool is not on PATH (install Debian's prometheus package)"

    /// The output of one promtool run.
    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs promtool with `arguments` in `directory`, feeding `input` on standard input, and returns its exit
    /// status with standard output and standard error together.
    static func run(_ arguments: [String], input: String? = nil,
                    directory: URL = ReferenceVectors.packageRoot) throws -> Result {
        guard let executable else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "promtool"])
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let standardInput = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : standardInput
        try process.run()

        // Write the input on another thread, so a full output pipe cannot block promtool while it is fed.
        if let input {
            let writer = standardInput.fileHandleForWriting
            DispatchQueue.global().async {
                try? writer.write(contentsOf: Data(input.utf8))
                try? writer.close()
            }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
