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
        let made = WebhookSignature.generateSecret()
        // Agents sharing `shared_dir` sign with one secret: the first to start makes it.
        let stored = try FileOperations.writeDurablyOnce(Data((made + "\n").utf8), to: path)
        chmod(path, 0o600)
        let secret = String(decoding: stored, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if secret == made { logger.notice("no callbacks.secret configured: callbacks are signed with a new secret kept in \(path)") }
        return secret
    }
}
