import Foundation
import GraygateCore

/// Formats the pipeline statistics of `analyze --stats` for standard error.
enum StatisticsText {
    static func render(_ statistics: PipelineStatistics) -> String {
        let wall = max(statistics.wallSeconds, 1e-9)
        let megabytes = Double(statistics.plainBytes) / 1e6
        let compressed = statistics.bytesRead == statistics.plainBytes
            ? "" : String(format: " (%.1f MB compressed)", Double(statistics.bytesRead) / 1e6)
        let parse = statistics.parseSeconds.map { String(format: "%.3f", $0) }.joined(separator: " + ")
        let busiest = statistics.parseSeconds.max() ?? 0
        let workers = statistics.workers == 1 ? "1 worker" : "\(statistics.workers) workers"
        let decoder = compressed.isEmpty ? "" : ", gzip decoder \(statistics.gzipDecoder.rawValue)"
        return String(format: "graygate: stats: %.1f MB of log%@ in %.3f s (%.0f MB/s), %d lines (%.2f M lines/s), %@%@\n",
                      megabytes, compressed, wall, megabytes / wall, statistics.linesRead,
                      Double(statistics.linesRead) / wall / 1e6, workers, decoder)
            + String(format: "graygate: stats: read %.3f s, inflate %.3f s, reader waiting for parsers %.3f s, parse %@ s (busiest worker %.0f%% of the run), merge %.3f s, judge %.3f s\n",
                     statistics.readSeconds, statistics.inflateSeconds, statistics.readerWaitSeconds, parse,
                     100 * busiest / wall, statistics.mergeSeconds, statistics.judgeSeconds)
    }
}
