import Foundation
import Glibc
import Testing

/// The `/metrics` endpoint of `graygate watch`: the loopback guard, the health path, and slow or malformed
/// clients that must not stall the watch. Every connection goes to 127.0.0.1.
struct WatchMetricsEndpointTests {
    /// Lines in graygate's default shape: every tenth request gray.
    private static func lines(_ range: Range<Int>) -> String {
        range.map { index in
            let cohort = index % 10 == 0 ? "gray" : "normal"
            return "{\"cohort\":\"\(cohort)\",\"latency_ms\":\(100 + index % 13),\"status\":200}\n"
        }.joined()
    }

    /// Waits for the watch to announce its metrics server on standard error and returns the port.
    private static func announcedPort(_ watch: LiveProcess) throws -> UInt16 {
        #expect(watch.wait(upTo: 10) { watch.stderr.contains("/metrics\n") }, "\(watch.stderr)")
        let address = try #require(watch.stderr.components(separatedBy: "serving metrics at http://").last?
            .components(separatedBy: "/metrics").first)
        return try #require(address.split(separator: ":").last.flatMap { UInt16($0) }, "\(address)")
    }

    @Test(arguments: ["0.0.0.0:9464", "[::]:9464", "10.0.3.7:9464"])
    func nonLoopbackAddressNeedsTheFlag(address: String) throws {
        // Rejected before any socket is made, so nothing listens on these addresses.
        let result = try CommandRunner.run(["watch", "--metrics-listen", address], stdin: Data())
        #expect(result.status == 64)
        #expect(result.stderr.contains("is not a loopback address"), "\(result.stderr)")
        #expect(result.stderr.contains("--metrics-allow-remote"), "\(result.stderr)")
    }

    @Test func allowRemoteWithoutListenIsAUsageError() throws {
        let result = try CommandRunner.run(["watch", "--metrics-allow-remote"], stdin: Data())
        #expect(result.status == 64)
        #expect(result.stderr.contains("--metrics-allow-remote needs --metrics-listen"), "\(result.stderr)")
    }

    @Test func allowRemotePrintsANotice() throws {
        // 0.0.0.0 includes loopback, and the test connects only there.
        let watch = try LiveProcess(["watch", "--interval", "200ms", "--metrics-listen", "0.0.0.0:0", "--metrics-allow-remote"])
        let port = try Self.announcedPort(watch)
        #expect(watch.stderr.contains("notice: the metrics endpoint at 0.0.0.0:"), "\(watch.stderr)")
        #expect(watch.stderr.contains("no authentication"), "\(watch.stderr)")
        let health = try LoopbackHTTP.get("/healthz", port: port)
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        try watch.closeInput()
        #expect(watch.exitStatus(within: 20) == 2)
    }

    @Test func loopbackAddressNeedsNoFlag() throws {
        let watch = try LiveProcess(["watch", "--metrics-listen", "127.0.0.1:0"])
        _ = try Self.announcedPort(watch)
        #expect(!watch.stderr.contains("notice"), "\(watch.stderr)")
        try watch.closeInput()
        #expect(watch.exitStatus(within: 20) == 2)
    }

    @Test func slowAndMalformedClientsDoNotStallTheWatch() throws {
        let watch = try LiveProcess(["watch", "--interval", "300ms", "--metrics-listen", "127.0.0.1:0"])
        let port = try Self.announcedPort(watch)
        try watch.write(Self.lines(0..<1000))
        #expect(watch.wait(upTo: 10) { watch.stdout.contains("lines 1,000") }, "\(watch.stdout)")

        // One client sends a request one byte a second and never finishes it within the test. Another sends
        // bytes that are no HTTP request and keeps its connection open.
        let slow = try LoopbackSocket(port: port)
        let malformed = try LoopbackSocket(port: port)
        try malformed.send(Array("\u{0}\u{1}\u{2} not http\r\n\r\n".utf8))
        let slowRequest = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
        let sender = Thread {
            for byte in slowRequest.prefix(6) {
                try? slow.send([byte])
                Thread.sleep(forTimeInterval: 1)
            }
        }
        sender.start()
        let connected = Date()

        // While both are connected, the watch reads new lines, prints status lines and serves other scrapes.
        try watch.write(Self.lines(1000..<2000))
        #expect(watch.wait(upTo: 4) { watch.stdout.contains("lines 2,000") }, "\(watch.stdout.suffix(300))")
        var scraped = ""
        #expect(watch.wait(upTo: 4) {
            scraped = (try? LoopbackHTTP.get("/metrics", port: port)) ?? ""
            return scraped.contains("graygate_lines_total{outcome=\"accepted\"} 2000")
        }, "\(scraped.prefix(300))")
        let health = try LoopbackHTTP.get("/healthz", port: port)
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        #expect(health.hasSuffix("\r\n\r\nok\n"), "\(health)")
        #expect(Date().timeIntervalSince(connected) < 5, "the slow client must still be sending")

        try watch.write(Self.lines(2000..<2500))
        #expect(watch.wait(upTo: 4) { watch.stdout.contains("lines 2,500") }, "\(watch.stdout.suffix(300))")

        try watch.closeInput()
        #expect(watch.exitStatus(within: 20) == 0)
        #expect(watch.stdout.contains("2500 lines read = 2500 accepted"), "\(watch.stdout.suffix(500))")
    }
}

/// A TCP connection to 127.0.0.1 that sends raw bytes, for clients that misbehave.
private final class LoopbackSocket: @unchecked Sendable {
    let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackSocketError(call: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw LoopbackSocketError(call: "connect to 127.0.0.1 port \(port)", code: code)
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written >= 0 else { throw LoopbackSocketError(call: "send", code: errno) }
            offset += written
        }
    }

    /// Reads until the server closes the connection or the 5-second receive timeout passes.
    func receiveAll() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return received }
            received.append(contentsOf: buffer[0..<count])
        }
    }
}

private struct LoopbackSocketError: Error, CustomStringConvertible {
    var call: String
    var code: Int32

    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}

/// One-request HTTP/1.1 GET on 127.0.0.1 with `Connection: close`, returning the whole response as text.
private enum LoopbackHTTP {
    static func get(_ path: String, port: UInt16) throws -> String {
        let socket = try LoopbackSocket(port: port)
        try socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        return String(decoding: socket.receiveAll(), as: UTF8.self)
    }
}
