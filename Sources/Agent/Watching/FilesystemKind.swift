import CInotify
import Foundation

/// Whether inotify can see changes in a folder. On network filesystems the writes happen on another
/// machine, so inotify stays silent and only polling works.
enum FilesystemKind: Sendable, Equatable {
    case local
    case network(String)

    static func of(path: String) -> FilesystemKind {
        var info = statfs()
        guard statfs(path, &info) == 0 else { return .local }
        switch UInt64(UInt32(truncatingIfNeeded: info.f_type)) {
        case 0xFF53_4D42: return .network("cifs")
        case 0xFE53_4D42: return .network("smb2")
        case 0x517B: return .network("smb")
        case 0x6969: return .network("nfs")
        case 0x6573_5546: return .network("fuse")
        case 0x0102_1997: return .network("9p")
        default: return .local
        }
    }

    var usesInotify: Bool { self == .local }
}
