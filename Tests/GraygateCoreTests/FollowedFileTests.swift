import Foundation
import Testing

@testable import GraygateCore

/// `FollowedFile` reads a log as `tail -F` does, across rotation and truncation.
struct FollowedFileTests {
    /// Reads everything available now, in as many reads as it takes.
    private static func drain(_ file: FollowedFile) throws -> String {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        var text = ""
        var idleReads = 0
        while idleReads < 2 {
            switch try file.read(into: buffer, timeout: 0.01) {
            case .bytes(let count):
                text += String(decoding: buffer[0..<count], as: UTF8.self)
                idleReads = 0
            case .idle:
                idleReads += 1
            case .end:
                Issue.record("a followed file never ends")
                return text
            }
        }
        return text
    }

    private static func append(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func followsAppendsRotationAndTruncation() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        try Data("one\n".utf8).write(to: URL(fileURLWithPath: path))
        let file = try FollowedFile(path: path)
        var notices: [String] = []
        file.onNotice = { notices.append($0) }

        #expect(try Self.drain(file) == "one\n")
        try Self.append("two\n", to: path)
        #expect(try Self.drain(file) == "two\n")

        // Rotation: the writer's last lines go to the old file before the rename; a new file takes over.
        try Self.append("three\n", to: path)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Data("four\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try Self.drain(file) == "three\nfour\n")
        #expect(notices.contains { $0.contains("rotated") })

        // Truncation in place, as logrotate's copytruncate does.
        try Self.append("five\n", to: path)
        #expect(try Self.drain(file) == "five\n")
        try Data("six\n".utf8).write(to: URL(fileURLWithPath: path))  // shorter than what was read
        #expect(try Self.drain(file) == "six\n")
        #expect(notices.contains { $0.contains("truncated") })
    }

    @Test func waitsForAFileThatDoesNotExistYet() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/later.log"
        let file = try FollowedFile(path: path)
        var notices: [String] = []
        file.onNotice = { notices.append($0) }
        #expect(try Self.drain(file) == "")
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try Self.drain(file) == "hello\n")
        #expect(notices.contains { $0.contains("appeared") })
    }

    @Test func rejectsADirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: InputError.self) { try FollowedFile(path: directory.path) }
    }
}
