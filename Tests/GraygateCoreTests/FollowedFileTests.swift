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

    @Test func noticesTruncationRewrittenPastTheOldPosition() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/copytruncate.log"
        try Data("first line\nsecond line\n".utf8).write(to: URL(fileURLWithPath: path))
        let file = try FollowedFile(path: path)
        var restarts = 0
        file.onRestart = { restarts += 1 }
        #expect(try Self.drain(file) == "first line\nsecond line\n")

        // Cut back and written longer than before between two polls: the size alone cannot show it.
        let rewritten = "another one\nand a longer line than before\n"
        try Data(rewritten.utf8).write(to: URL(fileURLWithPath: path))
        #expect(try Self.drain(file) == rewritten)
        #expect(restarts == 1)
    }

    @Test func restartsLineNumbersAfterRotation() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/rotated.log"
        try Data("{\"cohort\":\"gray\",\"latency_ms\":1}\nnot json\n".utf8).write(to: URL(fileURLWithPath: path))
        let file = try FollowedFile(path: path)
        let session = WatchSession(configuration: Configuration(), settings: WatchSettings(), inputName: path, startSeconds: 0)
        var rejected: [Int] = []
        session.onRejected = { rejected.append($0.line) }
        file.onRestart = { session.beginNewStream(at: 1) }

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        func pump() throws {
            for _ in 0..<4 {
                if case .bytes(let count) = try file.read(into: buffer, timeout: 0.01) {
                    session.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), at: 1)
                }
            }
        }
        try pump()
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Data("also not json\n{\"cohort\":\"normal\",\"latency_ms\":2}\n".utf8).write(to: URL(fileURLWithPath: path))
        try pump()
        session.finish(at: 2)
        #expect(rejected == [2, 1])
        #expect(session.look(at: 2).report.input.linesRead == 4)
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
