import Glibc

@testable import GraygateCore

/// A failure of the test HTTP client.
enum HTTPTestError: Error, CustomStringConvertible {
    case socketFailed(call: String, code: Int32)
    case timedOut(after: Double, received: Int)
    case closedBeforeResponse(received: [UInt8])
    case malformedResponse(String)

    var description: String {
        switch self {
        case .socketFailed(let call, let code):
            return "\(call) failed: \(String(cString: strerror(code)))"
        case .timedOut(let seconds, let received):
            return "no complete response within \(seconds) s (\(received) bytes received)"
        case .closedBeforeResponse(let received):
            return "the server closed the connection after \(received.count) bytes: "
                + String(decoding: received.prefix(200), as: UTF8.self)
        case .malformedResponse(let reason):
            return "malformed response: \(reason)"
        }
    }
}

/// One parsed HTTP response.
struct HTTPTestResponse {
    var statusLine: String
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Returns the value of the first header with this name, compared case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A blocking HTTP/1.1 client on a raw TCP socket, so tests control every byte sent and see every byte the
/// server returns, including a connection closed without a response.
final class HTTPTestConnection {
    private let descriptor: Int32
    private var received: [UInt8] = []

    /// Connects to `host:port`, optionally from the IPv4 address `sourceHost` (such as 127.0.0.2).
    init(host: String = "127.0.0.1", port: UInt16, sourceHost: String? = nil) throws {
        let isIPv6 = host.contains(":")
        descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HTTPTestError.socketFailed(call: "socket", code: errno) }

        if let sourceHost {
            var source = sockaddr_in()
            source.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, sourceHost, &source.sin_addr)
            let result = withUnsafePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else {
                let code = errno
                close(descriptor)
                throw HTTPTestError.socketFailed(call: "bind to \(sourceHost)", code: code)
            }
        }

        let code = Self.connect(descriptor, host: host, port: port)
        guard code == 0 else {
            close(descriptor)
            throw HTTPTestError.socketFailed(call: "connect to \(host) port \(port)", code: code)
        }
    }

    deinit {
        close(descriptor)
    }

    /// Returns 0 when a TCP connection to `host:port` succeeds, or the `errno` of `connect(2)`.
    static func connectionError(host: String = "127.0.0.1", port: UInt16) -> Int32 {
        let descriptor = socket(host.contains(":") ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        return connect(descriptor, host: host, port: port)
    }

    private static func connect(_ descriptor: Int32, host: String, port: UInt16) -> Int32 {
        let result: Int32
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return result == 0 ? 0 : errno
    }

    /// Sends all of `text`, retrying short writes.
    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw HTTPTestError.socketFailed(call: "send", code: errno)
            }
            offset += written
        }
    }

    /// Sends a request with `Host` and any extra header lines, and no body.
    func sendRequest(_ method: String, _ target: String, headers: [String] = []) throws {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for line in headers {
            text += line + "\r\n"
        }
        try send(text + "\r\n")
    }

    /// Reads one response. A response to HEAD has no body, even with a `Content-Length` header.
    func readResponse(timeout: Double = 5, isHead: Bool = false) throws -> HTTPTestResponse {
        let deadline = monotonicSeconds() + timeout
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = received.firstRange(of: separator)?.upperBound
            if headerEnd == nil {
                try receiveMore(until: deadline, timeout: timeout)
            }
        }
        guard let headerEnd else { throw HTTPTestError.malformedResponse("no end of headers") }

        let headerText = String(decoding: received[..<(headerEnd - 4)], as: UTF8.self)
        // "\r\n" is one Character in Swift, so this splits at each CRLF.
        var lines = headerText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let statusParts = statusLine.split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw HTTPTestError.malformedResponse("status line '\(statusLine)'")
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            let value = parts.count == 2 ? parts[1].drop { $0 == " " } : ""
            return (String(parts.first ?? ""), String(value))
        }
        received.removeFirst(headerEnd)

        var response = HTTPTestResponse(statusLine: statusLine, status: status, headers: headers, body: [])
        guard !isHead else { return response }
        guard let lengthText = response.header("Content-Length"), let length = Int(lengthText) else {
            throw HTTPTestError.malformedResponse("no Content-Length")
        }
        while received.count < length {
            try receiveMore(until: deadline, timeout: timeout)
        }
        response.body = Array(received[..<length])
        received.removeFirst(length)
        return response
    }

    /// Reads until the server closes the connection or `timeout` passes, and returns the bytes read and
    /// whether the connection was closed (by end of stream or a reset).
    func readUntilClosed(timeout: Double) -> (bytes: [UInt8], isClosed: Bool) {
        let deadline = monotonicSeconds() + timeout
        while true {
            do {
                try receiveMore(until: deadline, timeout: timeout)
            } catch HTTPTestError.timedOut {
                return (received, false)
            } catch {
                return (received, true)
            }
        }
    }

    /// Closes the connection with a TCP reset (`SO_LINGER` 0), as a scraper that gives up does.
    func resetConnection() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Waits for data until `deadline` and appends it to `received`.
    private func receiveMore(until deadline: Double, timeout: Double) throws {
        let remaining = deadline - monotonicSeconds()
        guard remaining > 0 else { throw HTTPTestError.timedOut(after: timeout, received: received.count) }

        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pollDescriptor, 1, Int32(remaining * 1000) + 1)
        if ready == 0 { throw HTTPTestError.timedOut(after: timeout, received: received.count) }
        if ready < 0 {
            if errno == EINTR { return }
            throw HTTPTestError.socketFailed(call: "poll", code: errno)
        }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count == 0 { throw HTTPTestError.closedBeforeResponse(received: received) }
        if count < 0 {
            if errno == EINTR { return }
            throw HTTPTestError.socketFailed(call: "recv", code: errno)
        }
        received += buffer[..<count]
    }
}
