import Glibc

/// Opens a TCP socket bound to exactly `address` and listening, and returns it with the bound port.
///
/// The socket is close-on-exec and non-blocking. `SO_REUSEADDR` lets a restarted server bind while
/// connections of the last one are in TIME_WAIT; on Linux it does not let two sockets listen on one port.
/// An IPv6 socket is IPv6-only, so `[::]:9464` does not also take IPv4 connections.
///
/// - Throws: `MetricsServerError.listenFailed` with the `errno` of the call that failed.
func openListeningSocket(on address: ListenAddress, backlog: Int32) throws(MetricsServerError) -> (
    descriptor: Int32, port: UInt16
) {
    let socketAddress = address.socketAddress
    let descriptor = socket(socketAddress.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard descriptor >= 0 else {
        throw listenError(address)
    }

    var enabled: Int32 = 1
    let optionSize = socklen_t(MemoryLayout<Int32>.size)
    var succeeded = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &enabled, optionSize) == 0
    if succeeded, socketAddress.family == AF_INET6 {
        succeeded = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &enabled, optionSize) == 0
    }
    if succeeded {
        succeeded = socketAddress.withSockaddrPointer { bind(descriptor, $0, $1) } == 0
    }
    if succeeded {
        succeeded = listen(descriptor, backlog) == 0
    }
    guard succeeded else {
        let error = listenError(address)
        close(descriptor)
        throw error
    }

    guard let port = boundPort(of: descriptor) else {
        let error = listenError(address)
        close(descriptor)
        throw error
    }
    return (descriptor, port)
}

/// Returns the port a socket is bound to, read with `getsockname(2)`, or `nil` with `errno` set.
private func boundPort(of descriptor: Int32) -> UInt16? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard result == 0 else { return nil }

    switch Int32(storage.ss_family) {
    case AF_INET:
        return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.loadUnaligned(as: sockaddr_in.self).sin_port) }
    case AF_INET6:
        return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.loadUnaligned(as: sockaddr_in6.self).sin6_port) }
    default:
        errno = EAFNOSUPPORT
        return nil
    }
}

/// Builds the error for the `errno` of the socket call that just failed.
private func listenError(_ address: ListenAddress) -> MetricsServerError {
    let code = errno
    return .listenFailed(address: address, code: code, reason: String(cString: strerror(code)))
}
