import CMicroHTTPD
import Dispatch
import Glibc
import Synchronization
import Testing

@testable import GraygateCore

/// The text a test server renders: a counter that rises with each call, so each response differs.
private final class CountingRenderer: Sendable {
    private let calls = Atomic<Int>(0)

    var callCount: Int { calls.load(ordering: .relaxed) }

    func render() -> String {
        let call = calls.add(1, ordering: .relaxed).newValue
        return "# TYPE graygate_scrapes_total counter\ngraygate_scrapes_total \(call)\n"
    }
}

/// Collects error-log lines from a server.
private final class LogCollector: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// Returns the lines once one matches, waiting up to `timeout` seconds for the server thread to log it.
    func waitForLine(timeout: Double = 2, where matches: (String) -> Bool) -> [String] {
        let deadline = monotonicSeconds() + timeout
        while !all.contains(where: matches), monotonicSeconds() < deadline {
            usleep(5_000)
        }
        return all
    }
}

private func startServer(
    limits: MetricsServer.Limits = MetricsServer.Limits(), errorLog: (@Sendable (String) -> Void)? = nil,
    render: @escaping @Sendable () -> String
) throws -> MetricsServer {
    let address = try ListenAddress(parsing: "127.0.0.1:0")
    return try MetricsServer(address: address, limits: limits, errorLog: errorLog, render: render)
}

/// Whether this machine can listen on the IPv6 loopback address; containers without IPv6 cannot.
private let isIPv6LoopbackAvailable: Bool = {
    let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_addr = in6addr_loopback
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
        }
    }
}()

@Suite("Metrics server")
struct MetricsServerTests {
    // MARK: - Responses

    @Test("GET /metrics returns the rendered text")
    func getMetrics() throws {
        let renderer = CountingRenderer()
        let server = try startServer(render: renderer.render)
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/metrics")
        let first = try connection.readResponse()
        #expect(first.statusLine == "HTTP/1.1 200 OK")
        #expect(first.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(first.header("Content-Encoding") == nil)
        #expect(first.bodyText == "# TYPE graygate_scrapes_total counter\ngraygate_scrapes_total 1\n")

        // The same kept-alive connection serves the next scrape, with the newly rendered text.
        try connection.sendRequest("GET", "/metrics")
        let second = try connection.readResponse()
        #expect(second.status == 200)
        #expect(second.bodyText == "# TYPE graygate_scrapes_total counter\ngraygate_scrapes_total 2\n")
        #expect(renderer.callCount == 2)
    }

    @Test("query string is ignored")
    func queryStringIgnored() throws {
        let server = try startServer { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/metrics?name[]=up")
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyText == "up 1\n")
    }

    @Test("HEAD /metrics has headers only")
    func headMetrics() throws {
        let server = try startServer { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("HEAD", "/metrics")
        let response = try connection.readResponse(isHead: true)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.header("Content-Length") == "5")

        // No body bytes follow: the next response starts right after the HEAD response's headers.
        try connection.sendRequest("GET", "/nope")
        let next = try connection.readResponse()
        #expect(next.status == 404)
    }

    @Test("index page links /metrics")
    func indexPage() throws {
        let server = try startServer { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/")
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        #expect(response.bodyText.contains("<a href=\"/metrics\">"))
    }

    @Test("healthz is ok without rendering")
    func healthz() throws {
        let renderer = CountingRenderer()
        let server = try startServer(render: renderer.render)
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/healthz")
        let response = try connection.readResponse()
        #expect(response.statusLine == "HTTP/1.1 200 OK")
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.bodyText == "ok\n")

        try connection.sendRequest("HEAD", "/healthz")
        let head = try connection.readResponse(isHead: true)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "3")
        #expect(renderer.callCount == 0)
    }

    @Test("other methods on healthz are 405", arguments: ["POST", "PUT", "DELETE"])
    func healthzOtherMethods(method: String) throws {
        let server = try startServer { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest(method, "/healthz")
        let response = try connection.readResponse()
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD")
    }

    @Test("unknown path is 404", arguments: ["/nope", "/metrics/", "/METRICS", "/metrics/extra", "//metrics",
                                            "/healthz/", "/health"])
    func unknownPath(path: String) throws {
        let renderer = CountingRenderer()
        let server = try startServer(render: renderer.render)
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", path)
        let response = try connection.readResponse()
        #expect(response.statusLine == "HTTP/1.1 404 Not Found")
        #expect(response.bodyText.contains("/metrics"))
        #expect(renderer.callCount == 0)
    }

    @Test("other methods are 405", arguments: ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get"])
    func otherMethods(method: String) throws {
        let renderer = CountingRenderer()
        let server = try startServer(render: renderer.render)
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest(method, "/metrics")
        let response = try connection.readResponse()
        #expect(response.statusLine == "HTTP/1.1 405 Method Not Allowed")
        #expect(response.header("Allow") == "GET, HEAD")
        #expect(response.header("Connection") == "close")
        #expect(renderer.callCount == 0)
    }

    @Test("POST with body is 405 without reading it")
    func postWithBody() throws {
        let server = try startServer { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        // The body is announced but never sent, so the response must not wait for it.
        try connection.sendRequest("POST", "/metrics", headers: ["Content-Length: 100000"])
        let response = try connection.readResponse(timeout: 2)
        #expect(response.status == 405)
        #expect(connection.readUntilClosed(timeout: 2).isClosed)
    }

    @Test(
        "request body is 413 without reading it",
        arguments: [
            ["Content-Length: 1000000"],
            ["Content-Length: 10", "Expect: 100-continue"],
            ["Transfer-Encoding: chunked"],
        ])
    func requestBody(headers: [String]) throws {
        let renderer = CountingRenderer()
        let server = try startServer(render: renderer.render)
        let connection = try HTTPTestConnection(port: server.port)

        // Only the headers go out. The response must come at once, with no 100 Continue before it, and
        // the server must close the connection instead of waiting for the body.
        try connection.sendRequest("GET", "/metrics", headers: headers)
        let response = try connection.readResponse(timeout: 2)
        #expect(response.statusLine == "HTTP/1.1 413 Content Too Large")
        #expect(response.header("Connection") == "close")
        #expect(connection.readUntilClosed(timeout: 2).isClosed)
        #expect(renderer.callCount == 0)
    }

    @Test("Content-Length 0 is no body")
    func zeroContentLength() throws {
        let server = try startServer { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/metrics", headers: ["Content-Length: 0"])
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyText == "up 1\n")
    }

    @Test("oversized headers are 431")
    func oversizedHeaders() throws {
        let logs = LogCollector()
        let renderer = CountingRenderer()
        let server = try startServer(errorLog: logs.append, render: renderer.render)

        // 8 KB of headers fit in the default 16 KiB of connection memory.
        let fitting = try HTTPTestConnection(port: server.port)
        try fitting.sendRequest("GET", "/metrics", headers: ["X-Padding: " + String(repeating: "a", count: 8_000)])
        #expect(try fitting.readResponse().status == 200)

        let oversized = try HTTPTestConnection(port: server.port)
        try oversized.sendRequest("GET", "/metrics", headers: ["X-Padding: " + String(repeating: "a", count: 32_000)])
        let response = try oversized.readResponse(isHead: true)
        #expect(response.statusLine == "HTTP/1.1 431 Request Header Fields Too Large")
        #expect(renderer.callCount == 1)
        let lines = logs.waitForLine { $0.contains("431") }
        #expect(lines.contains { $0.contains("431") }, "log: \(lines)")
    }

    @Test("oversized URL is 414")
    func oversizedURL() throws {
        let server = try startServer { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/metrics?" + String(repeating: "a", count: 32_000))
        let response = try connection.readResponse(isHead: true)
        #expect(response.statusLine == "HTTP/1.1 414 URI Too Long")
    }

    // MARK: - gzip

    @Test("gzip when the client accepts it")
    func gzipResponse() throws {
        let text = (0..<500).map { "graygate_series{index=\"\($0)\"} \($0)\n" }.joined()
        let server = try startServer { text }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/metrics", headers: ["Accept-Encoding: gzip"])
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Content-Encoding") == "gzip")
        #expect(response.header("Vary") == "Accept-Encoding")
        #expect(response.body.count < text.utf8.count / 4, "compressed \(response.body.count) bytes")
        #expect(try inflateMembers(response.body) == [Array(text.utf8)])

        // The server reuses its compressor, so a second response must be a whole gzip member again.
        try connection.sendRequest("GET", "/metrics", headers: ["Accept-Encoding: deflate, gzip;q=0.5"])
        let second = try connection.readResponse()
        #expect(second.header("Content-Encoding") == "gzip")
        #expect(try inflateMembers(second.body) == [Array(text.utf8)])

        try connection.sendRequest("GET", "/metrics", headers: ["Accept-Encoding: gzip;q=0"])
        let identity = try connection.readResponse()
        #expect(identity.header("Content-Encoding") == nil)
        #expect(identity.bodyText == text)
    }

    @Test(
        "Accept-Encoding parsing",
        arguments: [
            ("gzip", true), ("GZIP", true), ("x-gzip", true), ("deflate, gzip", true), ("gzip;q=1.0", true),
            ("br ; q=0.9 , gzip ; q=0.1", true), ("gzip;q=0", false), ("gzip; q=0.000", false), ("", false),
            ("identity", false), ("*", false), ("deflate, br", false), ("gzipped", false),
        ])
    func acceptEncoding(header: String, accepts: Bool) {
        #expect(acceptsGzip(header) == accepts)
    }

    // MARK: - Limits

    @Test("extra connections wait at maxConnections")
    func connectionLimit() throws {
        let limits = MetricsServer.Limits(maxConnections: 3, maxConnectionsPerIP: 3)
        let server = try startServer(limits: limits) { "up 1\n" }

        // Each connection finishes one request, so the server has surely accepted it, and then stays idle.
        var idle: [HTTPTestConnection] = []
        for _ in 0..<3 {
            let connection = try HTTPTestConnection(port: server.port)
            try connection.sendRequest("GET", "/metrics")
            #expect(try connection.readResponse().status == 200)
            idle.append(connection)
        }

        // The fourth connection completes in the kernel's listen queue, but the server does not accept it.
        let waiting = try HTTPTestConnection(port: server.port)
        try waiting.sendRequest("GET", "/metrics")
        #expect(throws: HTTPTestError.self) { try waiting.readResponse(timeout: 0.5) }

        idle.removeAll()
        let response = try waiting.readResponse(timeout: 5)
        #expect(response.status == 200)

        let later = try HTTPTestConnection(port: server.port)
        try later.sendRequest("GET", "/metrics")
        #expect(try later.readResponse().status == 200)
    }

    @Test("maxConnectionsPerIP closes extra connections")
    func perIPLimit() throws {
        let limits = MetricsServer.Limits(maxConnections: 8, maxConnectionsPerIP: 2)
        let server = try startServer(limits: limits) { "up 1\n" }

        var openConnections: [HTTPTestConnection] = []
        for _ in 0..<2 {
            let connection = try HTTPTestConnection(port: server.port)
            try connection.sendRequest("GET", "/metrics")
            #expect(try connection.readResponse().status == 200)
            openConnections.append(connection)
        }

        let extra = try HTTPTestConnection(port: server.port)
        try? extra.sendRequest("GET", "/metrics")
        let (bytes, isClosed) = extra.readUntilClosed(timeout: 3)
        #expect(isClosed)
        #expect(bytes.isEmpty, "received \(String(decoding: bytes, as: UTF8.self))")

        // Another loopback address has its own count.
        let other = try HTTPTestConnection(port: server.port, sourceHost: "127.0.0.2")
        try other.sendRequest("GET", "/metrics")
        #expect(try other.readResponse().status == 200)
        #expect(openConnections.count == 2)
    }

    @Test("idle connection times out")
    func idleTimeout() throws {
        let limits = MetricsServer.Limits(connectionTimeoutSeconds: 1)
        let server = try startServer(limits: limits) { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        let started = monotonicSeconds()
        let (bytes, isClosed) = connection.readUntilClosed(timeout: 5)
        let elapsed = monotonicSeconds() - started
        #expect(isClosed)
        #expect(bytes.isEmpty)
        #expect(elapsed >= 0.5, "closed after \(elapsed) s")
    }

    @Test("invalid limits are rejected")
    func invalidLimits() throws {
        let cases: [(MetricsServer.Limits, String)] = [
            (MetricsServer.Limits(maxConnections: 0), "maxConnections"),
            (MetricsServer.Limits(maxConnectionsPerIP: 0), "maxConnectionsPerIP"),
            (MetricsServer.Limits(connectionMemoryBytes: 1024), "connectionMemoryBytes"),
            (MetricsServer.Limits(connectionTimeoutSeconds: 0), "connectionTimeoutSeconds"),
        ]
        for (limits, name) in cases {
            #expect {
                try startServer(limits: limits) { "" }
            } throws: { error in
                guard case .invalidLimit(let reportedName, _, _) = error as? MetricsServerError else { return false }
                return reportedName == name
            }
        }
    }

    @Test("smallest connection memory serves a scrape")
    func smallestConnectionMemory() throws {
        let limits = MetricsServer.Limits(connectionMemoryBytes: MetricsServer.Limits.minConnectionMemoryBytes)
        let server = try startServer(limits: limits) { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        // Headers of the kind a Prometheus scrape sends: the exposition formats, gzip and the scrape timeout.
        try connection.sendRequest(
            "GET", "/metrics",
            headers: [
                "User-Agent: Prometheus/3.0.0",
                "Accept: application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1",
                "Accept-Encoding: gzip",
                "X-Prometheus-Scrape-Timeout-Seconds: 10",
            ])
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(try inflateMembers(response.body) == [Array("up 1\n".utf8)])
    }

    // MARK: - Binding

    @Test("second server on the same port fails")
    func portInUse() throws {
        let first = try startServer { "up 1\n" }
        let address = try ListenAddress(parsing: "127.0.0.1:\(first.port)")

        #expect {
            try MetricsServer(address: address) { "" }
        } throws: { error in
            guard let error = error as? MetricsServerError, case .listenFailed(_, let code, _) = error else {
                return false
            }
            return code == EADDRINUSE
                && error.description.hasPrefix("Cannot listen on 127.0.0.1:\(first.port): Address already in use")
        }
    }

    @Test("port 0 reports the bound port")
    func boundPort() throws {
        let server = try startServer { "up 1\n" }
        #expect(server.port != 0)
        #expect(server.address.port == 0)
        #expect(server.boundAddress.description == "127.0.0.1:\(server.port)")
        #expect(server.boundAddress.host == "127.0.0.1")
    }

    @Test("IPv6 loopback", .enabled(if: isIPv6LoopbackAvailable, "::1 cannot be bound on this machine"))
    func ipv6Loopback() throws {
        let server = try MetricsServer(address: ListenAddress(parsing: "[::1]:0")) { "up 1\n" }
        let connection = try HTTPTestConnection(host: "::1", port: server.port)

        try connection.sendRequest("GET", "/metrics")
        #expect(try connection.readResponse().bodyText == "up 1\n")
        #expect(server.boundAddress.description == "[::1]:\(server.port)")
    }

    @Test("loopback server is closed to other addresses")
    func loopbackOnly() throws {
        let server = try startServer { "up 1\n" }
        // 127.0.0.2 is another loopback address, so this connection stays on the machine. It is refused
        // because the server bound 127.0.0.1 alone.
        #expect(HTTPTestConnection.connectionError(host: "127.0.0.2", port: server.port) == ECONNREFUSED)
    }

    // MARK: - Stopping

    @Test("stop twice closes the port")
    func stopTwice() throws {
        let server = try startServer { "up 1\n" }
        let port = server.port
        #expect(HTTPTestConnection.connectionError(port: port) == 0)

        server.stop()
        server.stop()
        #expect(HTTPTestConnection.connectionError(port: port) == ECONNREFUSED)
    }

    @Test("deinit stops the server")
    func deinitStops() throws {
        var server: MetricsServer? = try startServer { "up 1\n" }
        let port = try #require(server?.port)
        #expect(HTTPTestConnection.connectionError(port: port) == 0)

        server = nil
        #expect(HTTPTestConnection.connectionError(port: port) == ECONNREFUSED)
    }

    @Test("stop waits for a render in progress")
    func stopWaitsForRender() throws {
        let started = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
        let server = try startServer {
            started.store(true, ordering: .sequentiallyConsistent)
            usleep(300_000)
            finished.store(true, ordering: .sequentiallyConsistent)
            return "up 1\n"
        }

        let port = server.port
        let clientDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if let connection = try? HTTPTestConnection(port: port) {
                try? connection.sendRequest("GET", "/metrics")
                _ = connection.readUntilClosed(timeout: 5)
            }
            clientDone.signal()
        }
        while !started.load(ordering: .sequentiallyConsistent) {
            usleep(1_000)
        }

        server.stop()
        let renderFinished = finished.load(ordering: .sequentiallyConsistent)
        #expect(renderFinished)
        #expect(clientDone.wait(timeout: .now() + 10) == .success)
    }

    // MARK: - Robustness

    @Test("client closing early is harmless")
    func clientClosingEarly() throws {
        // libmicrohttpd suppresses SIGPIPE on its own threads, with MSG_NOSIGNAL on Linux.
        #expect(MHD_is_feature_supported(.FEATURE_AUTOSUPPRESS_SIGPIPE) == .YES)

        let text = String(repeating: "graygate_padding_bytes 1\n", count: 200_000)
        let server = try startServer { text }
        for _ in 0..<5 {
            let connection = try HTTPTestConnection(port: server.port)
            try connection.sendRequest("GET", "/metrics")
            _ = try connection.readResponse(isHead: true)
            connection.resetConnection()
        }

        let connection = try HTTPTestConnection(port: server.port)
        try connection.sendRequest("GET", "/metrics")
        #expect(try connection.readResponse().body.count == text.utf8.count)
    }

    @Test("concurrent clients get whole responses")
    func concurrentClients() throws {
        let text = (0..<2_000).map { "graygate_series{index=\"\($0)\"} \($0)\n" }.joined()
        let server = try startServer { text }
        let port = server.port
        let failures = Mutex<[String]>([])

        DispatchQueue.concurrentPerform(iterations: 8) { client in
            do {
                let connection = try HTTPTestConnection(port: port)
                for _ in 0..<20 {
                    try connection.sendRequest("GET", "/metrics")
                    let response = try connection.readResponse()
                    if response.status != 200 || response.bodyText != text {
                        failures.withLock { $0.append("client \(client): status \(response.status)") }
                    }
                }
            } catch {
                failures.withLock { $0.append("client \(client): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
    }

    // MARK: - Error log

    @Test("error log is rate limited")
    func rateLimitedLog() {
        let now = Mutex<Double>(0)
        let lines = LogCollector()
        let log = RateLimitedLog(maxMessages: 3, windowSeconds: 60, clock: { now.withLock { $0 } }, sink: lines.append)

        for index in 1...5 {
            log.write("message \(index)")
        }
        #expect(lines.all == ["message 1", "message 2", "message 3"])

        now.withLock { $0 = 61 }
        log.write("message 6")
        #expect(lines.all.count == 5)
        #expect(lines.all.dropFirst(3).first == "2 messages suppressed: at most 3 are logged per 60 seconds")
        #expect(lines.all.last == "message 6")
    }

    @Test("error log names the server")
    func errorLogNamesServer() throws {
        let logs = LogCollector()
        let server = try startServer(errorLog: logs.append) { "up 1\n" }
        let connection = try HTTPTestConnection(port: server.port)

        try connection.sendRequest("GET", "/metrics", headers: ["X-Padding: " + String(repeating: "a", count: 32_000)])
        _ = try connection.readResponse(isHead: true)
        let line = try #require(logs.waitForLine { _ in true }.first)
        #expect(line.hasPrefix("metrics server on 127.0.0.1:\(server.port): libmicrohttpd: "), "\(line)")
    }
}
