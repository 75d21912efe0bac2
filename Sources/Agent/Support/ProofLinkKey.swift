import Crypto
import Foundation

/// The secret that signs proof-page links: 32 random bytes made at first start and kept in the state
/// directory (mode 0600), so links handed out stay valid across restarts. Deleting the file revokes them all.
enum ProofLinkKey {
    static func loadOrCreate(at path: String) throws -> Data {
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 { return data }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        try FileOperations.writeDurably(key, to: path)
        chmod(path, 0o600)
        return key
    }
}
