import Glibc

/// A TCP address for the metrics server to listen on: an IP address or `localhost`, and a port.
///
/// The text form is `HOST:PORT`:
///
///     127.0.0.1:9464    IPv4 loopback
///     :9464             also 127.0.0.1; an empty host never means all interfaces
///     localhost:9464    also 127.0.0.1, without reading /etc/hosts
///     [::1]:9464        IPv6 loopback; IPv6 addresses go in brackets
///     0.0.0.0:9464      all IPv4 interfaces, only when written out like this
///     127.0.0.1:0       a free port that the system picks
///
/// Host names other than `localhost` are rejected: a listen address is resolved without DNS, so the
/// server binds exactly the address written.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host as written: an IPv4 address, an IPv6 address without brackets, or `localhost`.
    public let host: String

    /// The TCP port, or 0 for a free port that the system picks.
    public let port: UInt16

    /// The socket address that `host` and `port` resolve to.
    let socketAddress: SocketAddress

    /// Creates an address from a host and a port.
    ///
    /// - Throws: `MetricsServerError.invalidAddress` when `host` is not an IPv4 address, an IPv6 address
    ///   (without brackets) or `localhost`.
    public init(host: String, port: UInt16) throws(MetricsServerError) {
        let text = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard let socketAddress = SocketAddress(host: host, port: port) else {
            throw .invalidAddress(text: text, reason: Self.invalidHostReason(host))
        }
        self.host = host
        self.port = port
        self.socketAddress = socketAddress
    }

    /// Parses `HOST:PORT`, `:PORT` or `[IPV6]:PORT`; an empty host means 127.0.0.1.
    ///
    /// - Throws: `MetricsServerError.invalidAddress` with the reason and an example of a valid address.
    public init(parsing text: String) throws(MetricsServerError) {
        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let closing = text.firstIndex(of: "]") else {
                throw .invalidAddress(text: text, reason: "the IPv6 address has no closing ']'")
            }
            hostText = text[text.index(after: text.startIndex)..<closing]
            let rest = text[text.index(after: closing)...]
            guard rest.hasPrefix(":") else {
                throw .invalidAddress(text: text, reason: "the port is missing after ']'; write it as in [::1]:9464")
            }
            guard !hostText.isEmpty else {
                throw .invalidAddress(text: text, reason: "the brackets contain no IPv6 address")
            }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                let reason = text.isEmpty ? "the address is empty" : "the port is missing"
                throw .invalidAddress(text: text, reason: reason + "; write HOST:PORT, such as 127.0.0.1:9464 or :9464")
            }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if hostText.contains(":") {
                throw .invalidAddress(text: text, reason: "an IPv6 address needs brackets, as in [::1]:9464")
            }
        }

        guard let port = Self.parsePort(portText) else {
            let reason = portText.isEmpty
                ? "the port is missing; write HOST:PORT, such as 127.0.0.1:9464 or :9464"
                : "the port '\(portText)' is not a number from 0 to 65535"
            throw .invalidAddress(text: text, reason: reason)
        }

        let host = hostText.isEmpty ? "127.0.0.1" : String(hostText)
        guard let socketAddress = SocketAddress(host: host, port: port) else {
            throw .invalidAddress(text: text, reason: Self.invalidHostReason(host))
        }
        self.host = host
        self.port = port
        self.socketAddress = socketAddress
    }

    /// The address in its text form, with IPv6 hosts in brackets: `127.0.0.1:9464`, `[::1]:9464`.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// A Boolean value that indicates whether the host is a loopback address: 127.0.0.0/8, `::1` or
    /// `localhost`, so only processes on this machine can connect.
    public var isLoopback: Bool {
        socketAddress.isLoopback
    }

    /// Returns the same host with another port, such as the port the system picked for port 0.
    func withPort(_ port: UInt16) -> ListenAddress {
        ListenAddress(host: host, port: port, socketAddress: socketAddress.withPort(port))
    }

    private init(host: String, port: UInt16, socketAddress: SocketAddress) {
        self.host = host
        self.port = port
        self.socketAddress = socketAddress
    }

    public static func == (lhs: ListenAddress, rhs: ListenAddress) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port
    }

    /// Parses 1 to 5 ASCII digits with a value up to 65535; signs, spaces and other text give `nil`.
    private static func parsePort(_ text: Substring) -> UInt16? {
        guard (1...5).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        guard let value = Int(text), value <= Int(UInt16.max) else {
            return nil
        }
        return UInt16(value)
    }

    private static func invalidHostReason(_ host: String) -> String {
        "the host '\(host)' is not an IPv4 address, a bracketed IPv6 address or localhost; "
            + "use 127.0.0.1 for this machine only or 0.0.0.0 for all interfaces"
    }
}

/// An IPv4 or IPv6 socket address, ready for `bind(2)`.
enum SocketAddress: Sendable {
    case ipv4(sockaddr_in)
    case ipv6(sockaddr_in6)

    /// Resolves a numeric host or `localhost` without DNS; returns `nil` for anything else.
    ///
    /// IPv4 takes the strict dotted-quad form of `inet_pton(3)`, so `127.1` is rejected. IPv6 goes through
    /// `getaddrinfo(3)` with `AI_NUMERICHOST`, which accepts a zone such as `fe80::1%eth0` and never
    /// queries DNS.
    init?(host: String, port: UInt16) {
        if host.lowercased() == "localhost" {
            self.init(host: "127.0.0.1", port: port)
            return
        }

        var ipv4 = sockaddr_in()
        if inet_pton(AF_INET, host, &ipv4.sin_addr) == 1 {
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = port.bigEndian
            self = .ipv4(ipv4)
            return
        }

        guard host.contains(":") else { return nil }
        var hints = addrinfo()
        hints.ai_family = AF_INET6
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let results else { return nil }
        defer { freeaddrinfo(results) }
        guard let address = results.pointee.ai_addr, results.pointee.ai_family == AF_INET6 else { return nil }
        self = .ipv6(UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in6.self))
    }

    var family: Int32 {
        switch self {
        case .ipv4: return AF_INET
        case .ipv6: return AF_INET6
        }
    }

    var isLoopback: Bool {
        switch self {
        case .ipv4(let address):
            // s_addr is in network byte order, so its first byte in memory is the first octet.
            return UInt32(bigEndian: address.sin_addr.s_addr) >> 24 == 127
        case .ipv6(let address):
            let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
            let isIPv6Loopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
            let isIPv4MappedLoopback = bytes[0..<10].allSatisfy { $0 == 0 }
                && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
            return isIPv6Loopback || isIPv4MappedLoopback
        }
    }

    func withPort(_ port: UInt16) -> SocketAddress {
        switch self {
        case .ipv4(var address):
            address.sin_port = port.bigEndian
            return .ipv4(address)
        case .ipv6(var address):
            address.sin6_port = port.bigEndian
            return .ipv6(address)
        }
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length, as `bind(2)` takes them.
    func withSockaddrPointer<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        switch self {
        case .ipv4(var address):
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6(var address):
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
