import Foundation
import Synchronization

/// A datagram socket standing in for systemd's notify socket: it records every message the agent sends
/// (READY=1, WATCHDOG=1, STATUS=..., STOPPING=1). Abstract by default, as systemd's own is.
public final class NotifySocket: Sendable {
    /// The value for NOTIFY_SOCKET: "@name" for an abstract socket, else a path.
    public let address: String
    private let descriptor: Int32
    private let messages = Mutex([String]())
    private let closed = Atomic<Bool>(false)

    public init(abstract: Bool = true, directory: URL? = nil) throws {
        let name = "hfa-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        address = abstract ? "@" + name : (directory ?? URL(fileURLWithPath: NSTemporaryDirectory())).appendingPathComponent(name).path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(address.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in self.receive() }
        thread.start()
    }

    deinit {
        closed.store(true, ordering: .releasing)
    }

    /// Everything received so far, one entry per datagram.
    public var received: [String] { messages.withLock { $0 } }

    /// Stops receiving and closes the socket.
    public func close() {
        closed.store(true, ordering: .releasing)
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !closed.load(ordering: .acquiring) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                messages.withLock { $0.append(message) }
            }
        }
        Foundation.close(descriptor)
    }
}
