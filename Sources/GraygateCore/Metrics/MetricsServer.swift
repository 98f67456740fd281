import CMicroHTTPD
import Glibc
import Synchronization

/// An HTTP server for Prometheus to scrape, built on libmicrohttpd.
///
/// The server binds exactly the address it is given, by default loopback only, and serves requests on one
/// internal polling thread (epoll on Linux):
///
/// - `GET` or `HEAD` `/metrics`: 200, `Content-Type: text/plain; version=0.0.4; charset=utf-8`, the text
///   that `render` returns, gzip-compressed when the request's `Accept-Encoding` accepts gzip.
/// - `GET` or `HEAD` `/`: 200, a small HTML page that links `/metrics`.
/// - Any other path: 404. Any other method: 405 with `Allow: GET, HEAD`.
/// - A request with a body (`Content-Length` above 0 or any `Transfer-Encoding`): 413, sent before the body
///   is read, and the connection is closed.
/// - Request headers that do not fit in the connection memory: 431, from libmicrohttpd.
///
///     let server = try MetricsServer(address: ListenAddress(parsing: ":9464")) { registry.render() }
///     print("serving metrics on \(server.boundAddress)")
///     server.stop()
///
/// The server stops when `stop()` is called or when it is deinitialized.
public final class MetricsServer: Sendable {
    /// Bounds on the connections one client or all clients can hold.
    public struct Limits: Sendable, Equatable {
        /// The maximum number of connections open at once. When it is reached, new connections wait in the
        /// listen queue until one closes.
        public var maxConnections: Int

        /// The maximum number of connections open at once from one IP address. Further connections from
        /// that address are accepted and closed at once.
        public var maxConnectionsPerIP: Int

        /// The memory, in bytes, that libmicrohttpd may use for one connection: its read buffer, the parsed
        /// request headers and the response headers. The response body is allocated apart. Requests whose
        /// headers do not fit get 431, or 414 when the request line alone does not fit.
        ///
        /// NOTE: With libmicrohttpd 0.9.75 and 16 KiB, a request of up to about 15,950 bytes of headers is
        /// answered and one of over about 16,150 bytes gets 431. In between, the request fits but its
        /// response headers do not, and libmicrohttpd closes the connection without a response.
        public var connectionMemoryBytes: Int

        /// The seconds a connection may stay idle, including the time a client takes to send its request,
        /// before the server closes it.
        public var connectionTimeoutSeconds: Int

        public init(
            maxConnections: Int = 16, maxConnectionsPerIP: Int = 8, connectionMemoryBytes: Int = 16 * 1024,
            connectionTimeoutSeconds: Int = 10
        ) {
            self.maxConnections = maxConnections
            self.maxConnectionsPerIP = maxConnectionsPerIP
            self.connectionMemoryBytes = connectionMemoryBytes
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
        }

        /// The smallest connection memory accepted. It leaves room for the headers of a Prometheus scrape or
        /// a browser request; a smaller pool only turns more requests into errors.
        public static let minConnectionMemoryBytes = 4 * 1024

        func validate() throws(MetricsServerError) {
            let unsignedRange = 1...Int(UInt32.max)
            guard unsignedRange.contains(maxConnections) else {
                throw .invalidLimit(name: "maxConnections", value: maxConnections, reason: "it must be at least 1")
            }
            guard unsignedRange.contains(maxConnectionsPerIP) else {
                throw .invalidLimit(
                    name: "maxConnectionsPerIP", value: maxConnectionsPerIP, reason: "it must be at least 1")
            }
            guard connectionMemoryBytes >= Self.minConnectionMemoryBytes else {
                throw .invalidLimit(
                    name: "connectionMemoryBytes", value: connectionMemoryBytes,
                    reason: "it must be at least \(Self.minConnectionMemoryBytes)")
            }
            // libmicrohttpd takes 0 to mean no timeout, which would let idle clients hold every connection.
            guard unsignedRange.contains(connectionTimeoutSeconds) else {
                throw .invalidLimit(
                    name: "connectionTimeoutSeconds", value: connectionTimeoutSeconds,
                    reason: "it must be at least 1")
            }
        }
    }

    /// The address as requested; its port is 0 when the system was asked to pick one.
    public let address: ListenAddress

    /// The address the server listens on, with the port the system picked for port 0.
    public let boundAddress: ListenAddress

    /// The port the server listens on.
    public var port: UInt16 { boundAddress.port }

    /// The limits the server runs with.
    public let limits: Limits

    /// The request handler that libmicrohttpd's callbacks reach through an unretained pointer. The server
    /// holds the only strong reference, and releases it only after `stop()` has joined the polling thread.
    private let handler: MetricsRequestHandler

    /// The running daemon, or `nil` once stopped.
    private let daemon: Mutex<OpaquePointer?>

    /// Binds `address`, starts the polling thread and returns once the server accepts connections.
    ///
    /// - Parameters:
    ///   - address: The address to listen on. Only that address is bound: 127.0.0.1 listens on loopback
    ///     only, and 0.0.0.0 on every IPv4 interface.
    ///   - limits: Bounds on connections, memory and idle time.
    ///   - errorLog: Where libmicrohttpd's error messages go (connection limits reached, sockets that fail),
    ///     at most 10 per minute; `nil` drops them.
    ///   - render: Returns the metrics text for one request. It runs on the server's polling thread, once
    ///     per `GET` or `HEAD` of `/metrics`, so it must be safe to call from that thread while others
    ///     update the figures it reads. It must not call `stop()`.
    /// - Throws: `MetricsServerError.invalidLimit` for a limit out of range, `.listenFailed` when the address
    ///   cannot be bound (port in use, no permission, address not on this machine), and `.startFailed` when
    ///   libmicrohttpd does not start.
    public init(
        address: ListenAddress, limits: Limits = Limits(), errorLog: (@Sendable (String) -> Void)? = nil,
        render: @escaping @Sendable () -> String
    ) throws(MetricsServerError) {
        try limits.validate()
        self.address = address
        self.limits = limits

        // The listen queue keeps the connections that arrive while maxConnections are open.
        let backlog = Int32(clamping: max(limits.maxConnections, 16))
        let (socket, port) = try openListeningSocket(on: address, backlog: backlog)
        boundAddress = address.withPort(port)

        let log = errorLog.map { sink in
            RateLimitedLog { sink("metrics server on \(address.withPort(port)): \($0)") }
        }
        handler = MetricsRequestHandler(render: render, errorLog: log)

        guard let started = Self.startDaemon(socket: socket, limits: limits, handler: handler) else {
            // libmicrohttpd 0.9.75 leaves a listen socket passed to it open when it fails to start.
            close(socket)
            let reason = handler.lastLibraryMessage.withLock { $0 } ?? "no message from libmicrohttpd"
            throw .startFailed(address: boundAddress, reason: reason)
        }
        daemon = Mutex(started)
    }

    deinit {
        stop()
    }

    /// Stops accepting connections, closes the open ones and the listening socket, and returns after the
    /// polling thread has ended. Calling it again does nothing.
    ///
    /// A request in progress when `stop()` is called finishes first, so `stop()` waits for `render` to
    /// return.
    public func stop() {
        // The lock is held while the daemon stops, so a concurrent call returns only once the thread has
        // ended too. Nothing on the polling thread takes this lock unless `render` calls `stop()`, which
        // it must not do.
        daemon.withLock { daemon in
            guard let running = daemon else { return }
            MHD_stop_daemon(running)
            daemon = nil
        }
    }

    // MARK: - libmicrohttpd

    /// Starts libmicrohttpd on the listening socket, or returns `nil` when it fails to start.
    private static func startDaemon(socket: Int32, limits: Limits, handler: MetricsRequestHandler) -> OpaquePointer? {
        let handlerPointer = Unmanaged.passUnretained(handler).toOpaque()

        let logCallback: MHD_LogCallback = { handlerPointer, format, arguments in
            guard let handlerPointer, let format, let arguments else { return }
            var buffer = [CChar](repeating: 0, count: 512)
            _ = vsnprintf(&buffer, buffer.count, format, arguments)
            // vsnprintf truncates a longer message and always ends the buffer with a NUL.
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            var message = String(decoding: bytes, as: UTF8.self)
            while message.last == "\n" {
                message.removeLast()
            }
            Unmanaged<MetricsRequestHandler>.fromOpaque(handlerPointer).takeUnretainedValue()
                .logLibraryMessage(message)
        }

        let accessCallback: MHD_AccessHandlerCallback = {
            handlerPointer, connection, url, method, _, _, uploadDataSize, requestContext in
            guard let handlerPointer, let connection, let url, let method, let requestContext else { return .NO }
            if let uploadDataSize, uploadDataSize.pointee != 0 {
                // Not reached: a request with a body gets its response on the first call, after which
                // libmicrohttpd passes no body data. Dropping the data keeps that true if a later
                // libmicrohttpd version does pass some.
                uploadDataSize.pointee = 0
                return .YES
            }
            let handler = Unmanaged<MetricsRequestHandler>.fromOpaque(handlerPointer).takeUnretainedValue()
            return handler.handle(
                connection: connection, path: String(cString: url), method: String(cString: method),
                requestContext: requestContext)
        }

        // The logger comes first so that messages about the other options reach it.
        var options = [
            MHD_OptionItem(
                option: .EXTERNAL_LOGGER, value: unsafeBitCast(logCallback, to: Int.self),
                ptr_value: handlerPointer),
            MHD_OptionItem(option: .LISTEN_SOCKET, value: Int(socket), ptr_value: nil),
            MHD_OptionItem(option: .CONNECTION_LIMIT, value: limits.maxConnections, ptr_value: nil),
            MHD_OptionItem(
                option: .PER_IP_CONNECTION_LIMIT, value: limits.maxConnectionsPerIP, ptr_value: nil),
            MHD_OptionItem(
                option: .CONNECTION_MEMORY_LIMIT, value: limits.connectionMemoryBytes, ptr_value: nil),
            MHD_OptionItem(
                option: .CONNECTION_TIMEOUT, value: limits.connectionTimeoutSeconds, ptr_value: nil),
            MHD_OptionItem(option: .END, value: 0, ptr_value: nil),
        ]

        // MHD_USE_AUTO picks epoll on Linux. libmicrohttpd suppresses SIGPIPE on its own threads (0.9.75
        // sends with MSG_NOSIGNAL on Linux), so a client that closes early costs an EPIPE, not the process.
        let flags = MHD_USE_AUTO_INTERNAL_THREAD.rawValue | MHD_USE_ERROR_LOG.rawValue
        return options.withUnsafeMutableBufferPointer { optionItems in
            // MHD_start_daemon is variadic, which Swift cannot call, so the options go through the va_list
            // form as one MHD_OPTION_ARRAY. The array is not empty, so its base address is not nil.
            let arguments: [any CVarArg] = [
                Int32(MHD_OPTION.ARRAY.rawValue), optionItems.baseAddress!, Int32(MHD_OPTION.END.rawValue),
            ]
            return withVaList(arguments) { argumentList in
                MHD_start_daemon_va(flags, 0, nil, nil, accessCallback, handlerPointer, argumentList)
            }
        }
    }
}
