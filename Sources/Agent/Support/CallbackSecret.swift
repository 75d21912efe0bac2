import Bridge
import Foundation
import Logging

/// The secret callbacks are signed with: `callbacks.secret` from the config, else one made at first start
/// and kept in the state directory (mode 0600), so receivers can be set up once and it survives restarts.
enum CallbackSecret {
    static func loadOrCreate(configured: String?, at path: String, logger: Logger) throws -> String {
        if let configured { return configured }
        if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)?
            .trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            return text
        }
        let secret = WebhookSignature.generateSecret()
        try FileOperations.writeDurably(Data((secret + "\n").utf8), to: path)
        chmod(path, 0o600)
        logger.notice("no callbacks.secret configured: callbacks are signed with a new secret kept in \(path)")
        return secret
    }
}
