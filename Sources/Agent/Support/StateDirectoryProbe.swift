import Foundation

/// Whether the agent can still write its state: a real create-write-remove, because permissions, a
/// read-only remount or a full disk all look the same from outside.
enum StateDirectoryProbe {
    static func isWritable(_ directory: String) -> Bool {
        let probe = directory + "/.readyz-probe"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        let written = write(descriptor, "ok", 2)
        close(descriptor)
        unlink(probe)
        return written == 2
    }
}
