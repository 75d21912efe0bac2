import Crypto
import Foundation

/// The secret that signs proof-page links: 32 random bytes made at first start and kept in the state
/// directory (mode 0600), so links handed out stay valid across restarts. Deleting the file revokes them all.
/// Agents sharing `shared_dir` share it: the first to start makes it, the others read it.
enum ProofLinkKey {
    static func loadOrCreate(at path: String) throws -> Data {
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 { return data }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // A file shorter than a key is not one: replace it.
        if FileManager.default.fileExists(atPath: path) { unlink(path) }
        let stored = try FileOperations.writeDurablyOnce(key, to: path)
        chmod(path, 0o600)
        return stored
    }
}
