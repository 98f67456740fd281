import Glibc
import Testing

@testable import GraygateCore

@Suite("Listen address")
struct ListenAddressTests {
    @Test(
        "valid addresses",
        arguments: [
            ("127.0.0.1:9464", "127.0.0.1", 9464, "127.0.0.1:9464", true),
            (":9464", "127.0.0.1", 9464, "127.0.0.1:9464", true),
            ("localhost:9464", "localhost", 9464, "localhost:9464", true),
            ("LocalHost:80", "LocalHost", 80, "LocalHost:80", true),
            ("[::1]:9464", "::1", 9464, "[::1]:9464", true),
            ("0.0.0.0:9464", "0.0.0.0", 9464, "0.0.0.0:9464", false),
            ("[::]:9464", "::", 9464, "[::]:9464", false),
            ("127.0.0.1:0", "127.0.0.1", 0, "127.0.0.1:0", true),
            (":65535", "127.0.0.1", 65535, "127.0.0.1:65535", true),
            (":00080", "127.0.0.1", 80, "127.0.0.1:80", true),
            ("127.45.6.7:1", "127.45.6.7", 1, "127.45.6.7:1", true),
            ("10.1.2.3:9464", "10.1.2.3", 9464, "10.1.2.3:9464", false),
            ("[::ffff:127.0.0.1]:9464", "::ffff:127.0.0.1", 9464, "[::ffff:127.0.0.1]:9464", true),
            ("[fd00::2]:9464", "fd00::2", 9464, "[fd00::2]:9464", false),
        ] as [(String, String, UInt16, String, Bool)])
    func valid(text: String, host: String, port: UInt16, description: String, isLoopback: Bool) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == description)
        #expect(address.isLoopback == isLoopback)
    }

    @Test("empty host is IPv4 loopback")
    func emptyHostIsLoopback() throws {
        let address = try ListenAddress(parsing: ":9464")
        guard case .ipv4(let socketAddress) = address.socketAddress else {
            Issue.record("':9464' resolved to \(address.socketAddress), not IPv4")
            return
        }
        #expect(UInt32(bigEndian: socketAddress.sin_addr.s_addr) == 0x7F00_0001)
        #expect(UInt16(bigEndian: socketAddress.sin_port) == 9464)
    }

    @Test(
        "invalid addresses",
        arguments: [
            ("", "the address is empty"),
            ("9464", "the port is missing"),
            ("127.0.0.1", "the port is missing"),
            ("127.0.0.1:", "the port is missing"),
            (":", "the port is missing"),
            (":65536", "the port '65536' is not a number from 0 to 65535"),
            (":99999", "the port '99999' is not a number from 0 to 65535"),
            (":000080", "the port '000080' is not a number from 0 to 65535"),
            (":-1", "the port '-1' is not a number from 0 to 65535"),
            (":+80", "the port '+80' is not a number from 0 to 65535"),
            (": 80", "the port ' 80' is not a number from 0 to 65535"),
            (":http", "the port 'http' is not a number from 0 to 65535"),
            ("::1:9464", "an IPv6 address needs brackets"),
            ("[::1]", "the port is missing after ']'"),
            ("[::1]9464", "the port is missing after ']'"),
            ("[::1:9464", "the IPv6 address has no closing ']'"),
            ("[]:9464", "the brackets contain no IPv6 address"),
            ("example.com:9464", "the host 'example.com' is not an IPv4 address"),
            ("127.1:9464", "the host '127.1' is not an IPv4 address"),
            ("256.0.0.1:9464", "the host '256.0.0.1' is not an IPv4 address"),
            ("*:9464", "the host '*' is not an IPv4 address"),
            (" 127.0.0.1:9464", "the host ' 127.0.0.1' is not an IPv4 address"),
            ("[::g]:9464", "the host '::g' is not an IPv4 address"),
        ])
    func invalid(text: String, reason: String) {
        #expect {
            try ListenAddress(parsing: text)
        } throws: { error in
            guard let error = error as? MetricsServerError, case .invalidAddress(let reportedText, _) = error else {
                return false
            }
            return reportedText == text && error.description.hasPrefix("Invalid listen address '\(text)': \(reason)")
        }
    }

    @Test("host and port initializer")
    func hostAndPort() throws {
        #expect(try ListenAddress(host: "::1", port: 9464).description == "[::1]:9464")
        #expect(try ListenAddress(host: "127.0.0.1", port: 0).port == 0)
        #expect(throws: MetricsServerError.self) { try ListenAddress(host: "", port: 9464) }
        #expect(throws: MetricsServerError.self) { try ListenAddress(host: "metrics.internal", port: 9464) }
    }

    @Test("listen errors explain the fix")
    func listenErrorMessages() throws {
        let address = try ListenAddress(parsing: "127.0.0.1:80")
        let denied = MetricsServerError.listenFailed(address: address, code: EACCES, reason: "Permission denied")
        #expect(
            denied.description
                == "Cannot listen on 127.0.0.1:80: Permission denied; ports below 1024 need root or the "
                + "CAP_NET_BIND_SERVICE capability")

        let elsewhere = try ListenAddress(parsing: "10.1.2.3:9464")
        let unavailable = MetricsServerError.listenFailed(
            address: elsewhere, code: EADDRNOTAVAIL, reason: "Cannot assign requested address")
        #expect(unavailable.description.hasSuffix("; no network interface of this machine has this address"))
    }
}
