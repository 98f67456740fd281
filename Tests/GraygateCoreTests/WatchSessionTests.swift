import Foundation
import Testing

@testable import GraygateCore

/// `WatchSession` fed the way `graygate watch` feeds it: bytes in arbitrary pieces, looked at as they come.
struct WatchSessionTests {
    private static func simulatedLog(_ parameters: SimulationParameters) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try simulate(parameters, gzip: false) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Feeds `bytes` in pieces of random size, one piece per 0.1 s of the session's clock, looking every second.
    @discardableResult
    private static func feed(_ bytes: [UInt8], to session: WatchSession, seed: UInt64 = 1,
                             until shouldStop: (WatchLook) -> Bool = { _ in false }) -> (looks: [WatchLook], end: Double) {
        var generator = Xoshiro256StarStar(seed: seed)
        var offset = 0
        var clock = session.startSeconds
        var looks: [WatchLook] = []
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 + Int(generator.next() % 6000))
            bytes.withUnsafeBytes { session.consume(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)]), at: clock) }
            offset += length
            clock += 0.1
            if (clock - session.startSeconds).truncatingRemainder(dividingBy: 1) < 0.1 {
                let look = session.look(at: clock)
                looks.append(look)
                if shouldStop(look) { return (looks, clock) }
            }
        }
        session.finish(at: clock)
        looks.append(session.look(at: clock))
        return (looks, clock)
    }

    private static func session(_ configuration: Configuration = Configuration(),
                                _ change: (inout WatchSettings) -> Void = { _ in }) -> WatchSession {
        var settings = WatchSettings()
        settings.intervalSeconds = 1
        change(&settings)
        return WatchSession(configuration: configuration, settings: settings, inputName: "-", startSeconds: 1_000_000)
    }

    @Test func finalFiguresEqualAnalyzeOnTheSameLines() throws {
        var log = try Self.simulatedLog(SimulationParameters(seed: 3, requestCount: 30_000, latencyShift: 0.04, drift: 0.2))
        log += Array("\n{\"cohort\":\"gray\",\"latency_ms\":\n[1,2]\n\n{\"cohort\":\"gray\",\"latency_ms\":12}".utf8)
        let directory = try TemporaryDirectory()
        let path = directory.path + "/stage.jsonl"
        try Data(log).write(to: URL(fileURLWithPath: path))
        let analyzed = try Analysis(configuration: Configuration(), workerCount: 2).run(inputs: [path])

        let session = Self.session()
        var rejected: [RejectedLine] = []
        session.onRejected = { rejected.append($0) }
        let watched = try #require(Self.feed(log, to: session).looks.last).report

        #expect(watched.input.linesRead == analyzed.input.linesRead)
        #expect(watched.input.acceptedLines == analyzed.input.acceptedLines)
        #expect(watched.input.rejectedByReason == analyzed.input.rejectedByReason)
        #expect(watched.input.blankLines == analyzed.input.blankLines)
        #expect(watched.input.isReconciled)
        #expect(rejected.map(\.line) == analyzed.input.rejectedExamples.map(\.line))
        #expect(watched.cohorts == analyzed.cohorts)
        for id in ["drift.score", "drift.label"] {
            #expect(watched.check(id)?.pValue == analyzed.check(id)?.pValue, "\(id)")
            #expect(watched.check(id)?.verdict == analyzed.check(id)?.verdict, "\(id)")
        }
        // The effects are the same; only the tests behind latency and error_rate differ.
        #expect(watched.check("latency")?.effect == analyzed.check("latency")?.effect)
        #expect(watched.check("error_rate")?.effect == analyzed.check("error_rate")?.effect)
        #expect(watched.check("error_rate")?.test?.hasPrefix("mixture SPRT") == true)
        #expect(watched.check("latency")?.details["fixed_sample_p_value"] == analyzed.check("latency")?.pValue)
    }

    @Test func gzipInputGivesTheSameFiguresAsPlain() throws {
        let log = try Self.simulatedLog(SimulationParameters(seed: 5, requestCount: 8_000))
        let plain = try #require(Self.feed(log, to: Self.session()).looks.last).report
        let gzip = GzipFixture.member(log) + GzipFixture.member(Array("{\"cohort\":\"gray\",\"latency_ms\":3}\n".utf8))
        let inflated = try #require(Self.feed(gzip, to: Self.session(), seed: 9).looks.last).report
        #expect(inflated.input.linesRead == plain.input.linesRead + 1)
        #expect(inflated.cohort(.normal) == plain.cohort(.normal))
        #expect(inflated.cohort(.gray)?.requests == (plain.cohort(.gray)?.requests ?? 0) + 1)
    }

    @Test func corruptGzipEndsTheInputAndInvalidatesTheRun() throws {
        let log = try Self.simulatedLog(SimulationParameters(seed: 6, requestCount: 4_000))
        var gzip = GzipFixture.member(log)
        for index in stride(from: gzip.count / 2, to: gzip.count / 2 + 64, by: 1) { gzip[index] ^= 0x5A }
        let session = Self.session()
        let report = try #require(Self.feed(gzip, to: session).looks.last).report
        #expect(session.damage?.kind == .corrupt)
        #expect(report.verdict == .invalid)
        #expect(report.input.isReconciled)
        // Bytes after the damage are ignored, even when more arrive.
        let linesAtDamage = session.linesRead
        log.withUnsafeBytes { session.consume($0, at: session.startSeconds + 100) }
        #expect(session.linesRead == linesAtDamage)
    }

    @Test func logClockWindowHoldsTheLastIntervalsOfLogTime() throws {
        // One request per 10 s of log time over 30 minutes, arriving all at once as a replay does.
        var lines = ""
        let start = 1_796_371_200
        for second in stride(from: 0, to: 1800, by: 10) {
            let cohort = second % 20 == 0 ? "gray" : "normal"
            lines += "{\"ts\":\(start + second),\"cohort\":\"\(cohort)\",\"latency_ms\":\(100 + second % 7),\"status\":200}\n"
        }
        lines += "{\"cohort\":\"normal\",\"latency_ms\":5}\n"  // no timestamp: counted in the newest interval
        let session = Self.session { settings in
            settings.intervalSeconds = 60
            settings.windowSeconds = 600
            settings.windowClock = .log
        }
        Array(lines.utf8).withUnsafeBytes { session.consume($0, at: session.startSeconds) }
        session.finish(at: session.startSeconds + 1)
        let look = session.look(at: session.startSeconds + 1)
        let window = try #require(look.window)
        // Ten intervals of 60 s: log seconds 1200 to 1799, 60 lines, plus the line without a timestamp.
        #expect(window.cohort(.gray)?.requests == 30)
        #expect(window.cohort(.normal)?.requests == 31)
        #expect(look.report.cohort(.gray)?.requests == 90)
        #expect(look.report.cohort(.normal)?.requests == 91)
    }

    @Test func arrivalClockWindowEmptiesWhenInputStops() throws {
        let log = try Self.simulatedLog(SimulationParameters(seed: 8, requestCount: 2_000))
        let session = Self.session { $0.windowSeconds = 5 }
        let end = Self.feed(log, to: session).end
        #expect(session.look(at: end).window?.cohort(.normal)?.requests ?? 0 > 0)
        let later = session.look(at: end + 6)
        #expect(later.window?.cohort(.gray)?.requests == 0)
        #expect(later.window?.cohort(.normal)?.requests == 0)
        #expect(later.report.input.linesRead == 2_000)
    }

    @Test func exitOnFailStopsEarlyForARegression() throws {
        let log = try Self.simulatedLog(SimulationParameters(seed: 11, requestCount: 200_000, errorRateIncrease: 0.03))
        let session = Self.session { $0.exitCondition = .fail }
        let (looks, _) = Self.feed(log, to: session) { $0.stop != nil }
        let last = try #require(looks.last)
        #expect(last.stop == .failed(["error_rate"]))
        #expect(last.report.verdict == .fail)
        #expect(last.report.input.linesRead < 200_000, "stopped before the input ended")
    }

    @Test func exitOnDecisionPassesAHealthyReleaseOnlyAfterTheMinimumDuration() throws {
        let log = try Self.simulatedLog(SimulationParameters(seed: 12, requestCount: 150_000, grayShare: 0.5))
        let session = Self.session { settings in
            settings.exitCondition = .decision
            settings.minimumDecisionSeconds = 20
        }
        let (looks, _) = Self.feed(log, to: session) { $0.stop != nil }
        let last = try #require(looks.last)
        #expect(last.stop == .passed(["latency", "error_rate"]))
        #expect(last.elapsedSeconds >= 20)
        #expect(!looks.dropLast().contains { $0.stop != nil })
    }
}
