import Glibc

/// A failure to parse a listen address or to start the metrics server.
public enum MetricsServerError: Error, Equatable, CustomStringConvertible {
    /// The listen address text is malformed, or its host is not an IP address or `localhost`.
    case invalidAddress(text: String, reason: String)

    /// A server limit is out of its valid range.
    case invalidLimit(name: String, value: Int, reason: String)

    /// `socket(2)`, `setsockopt(2)`, `bind(2)` or `listen(2)` failed, with the `errno` value and its text.
    case listenFailed(address: ListenAddress, code: Int32, reason: String)

    /// libmicrohttpd did not start, with its last log message when it wrote one.
    case startFailed(address: ListenAddress, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let text, let reason):
            return "Invalid listen address '\(text)': \(reason)"
        case .invalidLimit(let name, let value, let reason):
            return "Invalid metrics server limit \(name) \(value): \(reason)"
        case .listenFailed(let address, let code, let reason):
            return "Cannot listen on \(address): \(reason)" + Self.hint(forListenError: code)
        case .startFailed(let address, let reason):
            return "libmicrohttpd failed to start the metrics server on \(address): \(reason)"
        }
    }

    /// Returns advice for the `errno` values a user can act on, or an empty string.
    private static func hint(forListenError code: Int32) -> String {
        switch code {
        case EADDRINUSE:
            return "; another process listens on this port, so stop it or choose another port"
        case EACCES:
            return "; ports below 1024 need root or the CAP_NET_BIND_SERVICE capability"
        case EADDRNOTAVAIL:
            return "; no network interface of this machine has this address"
        default:
            return ""
        }
    }
}
