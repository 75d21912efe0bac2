import Foundation

/// sd_notify(3) without libsystemd: one datagram per message to the socket systemd names in NOTIFY_SOCKET.
///
/// The variable is taken out of the environment when read, so the worker processes this agent starts do
/// not talk to systemd in its name. Sending never blocks or fails the agent: if systemd has gone away the
/// message is dropped, as sd_notify does.
struct SystemdNotifier: Sendable {
    /// A filesystem path, or an abstract socket name written with a leading "@".
    let socketPath: String

    init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// The notifier systemd asked for, or nil when not started by systemd with Type=notify.
    static func fromEnvironment() -> SystemdNotifier? {
        guard let path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !path.isEmpty,
              path.hasPrefix("/") || path.hasPrefix("@") else { return nil }
        unsetenv("NOTIFY_SOCKET")
        return SystemdNotifier(socketPath: path)
    }

    /// Sends `assignments` ("READY=1", "STATUS=...") in one message.
    @discardableResult
    func notify(_ assignments: String...) -> Bool {
        send(assignments.joined(separator: "\n"))
    }

    func send(_ message: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(socketPath.utf8)
        // An abstract socket's name starts with a NUL byte and is not NUL-terminated.
        let isAbstract = name.first == UInt8(ascii: "@")
        if isAbstract { name[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard name.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: name)
        }
        let length = MemoryLayout<sa_family_t>.size + name.count + (isAbstract ? 0 : 1)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, socklen_t(length))
            }
        }
        return sent == bytes.count
    }
}
