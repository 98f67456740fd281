import CMicroHTTPD
import Glibc
import Synchronization

/// Builds and queues the responses of a `MetricsServer` on libmicrohttpd's polling thread.
///
/// libmicrohttpd's callbacks are C function pointers that cannot capture Swift context, so the server passes
/// an unretained pointer to this object as their closure argument (`cls`), and keeps the object alive until
/// `MHD_stop_daemon` has joined the polling thread.
///
/// Routes: `GET` or `HEAD` on `/metrics` returns `render()`'s text, on `/healthz` the text `ok` (for liveness
/// probes, without rendering), on `/` a page that links the metrics, and on any other path 404. Other methods get 405 with `Allow: GET, HEAD`, and a request with a body gets 413 before
/// its body is read.
final class MetricsRequestHandler: @unchecked Sendable {
    /// The Prometheus text exposition format, version 0.0.4.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    private let render: @Sendable () -> String
    private let errorLog: RateLimitedLog?

    /// The compressor for gzip responses, made on first use and reused. Only the polling thread touches it,
    /// because libmicrohttpd runs one polling thread and calls the request handler only from it.
    private var gzipWriter: GzipWriter?

    /// libmicrohttpd's last log message, kept to explain a failed start.
    let lastLibraryMessage = Mutex<String?>(nil)

    init(render: @escaping @Sendable () -> String, errorLog: RateLimitedLog?) {
        self.render = render
        self.errorLog = errorLog
    }

    /// Queues the response to one request, or returns `.YES` to wait for the end of the request.
    ///
    /// libmicrohttpd calls the handler once the request headers are in, with `requestContext` pointing at
    /// `nil` and no body data. Until the handler queues a response, it calls again for each piece of body
    /// data and once at the end of the request.
    ///
    /// A request with another method or with a body gets its error response on the first call, so its body
    /// is never read: libmicrohttpd then closes the connection. Every other request gets its response on the
    /// second call, after the request has ended, so that libmicrohttpd can keep the connection alive. A
    /// response queued on the first call makes it close the connection even for a GET without a body.
    func handle(
        connection: OpaquePointer, path: String, method: String,
        requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        if requestContext.pointee == nil {
            guard method == "GET" || method == "HEAD" else {
                return queueText(
                    connection, status: 405, text: "405 Method Not Allowed: use GET or HEAD.\n",
                    extraHeaders: [("Allow", "GET, HEAD")])
            }
            if hasBody(connection) {
                return queueText(
                    connection, status: 413, text: "413 Content Too Large: a request must have no body.\n")
            }
            // Any non-nil value marks the request as seen; libmicrohttpd never dereferences it.
            requestContext.pointee = Unmanaged.passUnretained(self).toOpaque()
            return .YES
        }

        switch path {
        case "/metrics":
            return queueMetrics(connection)
        case "/healthz":
            return queueText(connection, status: 200, text: "ok\n")
        case "/":
            return queueBytes(
                connection, status: 200, body: Array(Self.indexPage.utf8),
                headers: [("Content-Type", "text/html; charset=utf-8")])
        default:
            return queueText(connection, status: 404, text: "404 Not Found: the metrics are at /metrics, and the health check at /healthz.\n")
        }
    }

    /// Passes a libmicrohttpd log message on to the error log and keeps it as the last message.
    func logLibraryMessage(_ message: String) {
        lastLibraryMessage.withLock { $0 = message }
        errorLog?.write("libmicrohttpd: \(message)")
    }

    // MARK: - Responses

    private static let indexPage = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>graygate</title></head>
        <body><h1>graygate</h1><p><a href="/metrics">Metrics</a></p></body></html>

        """

    private func queueMetrics(_ connection: OpaquePointer) -> MHD_Result {
        var text = render()
        var headers = [("Content-Type", Self.metricsContentType), ("Vary", "Accept-Encoding")]

        let acceptEncoding = headerValue(connection, "Accept-Encoding")
        if let acceptEncoding, acceptsGzip(acceptEncoding), let compressed = compress(&text) {
            headers.append(("Content-Encoding", "gzip"))
            return queueBytes(connection, status: 200, body: compressed, headers: headers)
        }
        return text.withUTF8 { bytes in
            queueBytes(connection, status: 200, body: UnsafeRawBufferPointer(bytes), headers: headers)
        }
    }

    private func queueText(
        _ connection: OpaquePointer, status: UInt32, text: String, extraHeaders: [(String, String)] = []
    ) -> MHD_Result {
        queueBytes(
            connection, status: status, body: Array(text.utf8),
            headers: [("Content-Type", "text/plain; charset=utf-8")] + extraHeaders)
    }

    private func queueBytes(
        _ connection: OpaquePointer, status: UInt32, body: [UInt8], headers: [(String, String)]
    ) -> MHD_Result {
        body.withUnsafeBytes { queueBytes(connection, status: status, body: $0, headers: headers) }
    }

    /// Queues a response that libmicrohttpd copies, so `body` need only live for the call.
    ///
    /// For HEAD, libmicrohttpd sends the headers, with the body's `Content-Length`, and leaves the body out.
    private func queueBytes(
        _ connection: OpaquePointer, status: UInt32, body: UnsafeRawBufferPointer, headers: [(String, String)]
    ) -> MHD_Result {
        let response = MHD_create_response_from_buffer(
            body.count, UnsafeMutableRawPointer(mutating: body.baseAddress), .RESPMEM_MUST_COPY)
        guard let response else {
            // MHD_NO makes libmicrohttpd close the connection, the only response possible without memory.
            errorLog?.write("cannot create a response of \(body.count) bytes; closing the connection")
            return .NO
        }
        defer { MHD_destroy_response(response) }

        for (name, value) in headers {
            _ = MHD_add_response_header(response, name, value)
        }
        return MHD_queue_response(connection, status, response)
    }

    // MARK: - Request headers

    private func headerValue(_ connection: OpaquePointer, _ name: String) -> String? {
        guard let value = MHD_lookup_connection_value(connection, .HEADER_KIND, name) else {
            return nil
        }
        return String(cString: value)
    }

    /// Returns whether the request announces a body: a `Transfer-Encoding`, or a `Content-Length` other
    /// than 0.
    private func hasBody(_ connection: OpaquePointer) -> Bool {
        if headerValue(connection, "Transfer-Encoding") != nil {
            return true
        }
        guard let contentLength = headerValue(connection, "Content-Length") else {
            return false
        }
        return contentLength.trimmingSpaces() != "0"
    }

    // MARK: - gzip

    /// Compresses `text` into one gzip member, or returns `nil` after logging when zlib fails, so that the
    /// response goes out uncompressed.
    private func compress(_ text: inout String) -> [UInt8]? {
        do {
            if gzipWriter == nil {
                gzipWriter = try GzipWriter(level: 6, outputBufferSize: 64 * 1024)
            }
            guard let gzipWriter else { return nil }

            var compressed: [UInt8] = []
            compressed.reserveCapacity(text.utf8.count / 4 + 64)
            let sink: (UnsafeRawBufferPointer) throws -> Void = { compressed.append(contentsOf: $0) }
            try text.withUTF8 { try gzipWriter.write(UnsafeRawBufferPointer($0), to: sink) }
            try gzipWriter.finishMember(to: sink)
            return compressed
        } catch {
            // A writer that failed mid-member may hold part of it, so the next response starts a new writer.
            gzipWriter = nil
            errorLog?.write("gzip compression of the metrics failed, so they are sent uncompressed: \(error)")
            return nil
        }
    }
}

/// Returns whether an `Accept-Encoding` header value accepts gzip: it lists `gzip` or `x-gzip` without
/// `q=0`. A bare `*` is not taken as gzip, so such a client gets the identity encoding, which it accepts.
func acceptsGzip(_ acceptEncoding: String) -> Bool {
    for item in acceptEncoding.split(separator: ",") {
        let parts = item.split(separator: ";")
        guard let coding = parts.first?.trimmingSpaces().lowercased(), coding == "gzip" || coding == "x-gzip" else {
            continue
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpaces().lowercased() == "q", Double(pair[1].trimmingSpaces()) == 0 {
                return false
            }
        }
        return true
    }
    return false
}

extension StringProtocol {
    /// Returns the text without leading and trailing spaces and tabs, the optional whitespace of HTTP.
    fileprivate func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
