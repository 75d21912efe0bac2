import Foundation
import JobStore
import Pipeline
import Synchronization

/// What API jobs may order: the hot folders and the products. Shared by every copy of the bridge's
/// configuration, so that a config reload (SIGHUP) reaches the running bridge without restarting it; both
/// lists are replaced together, so a request never sees a new folder with an old product list.
public final class OrderCatalog: Sendable {
    public struct Entries: Sendable, Hashable {
        /// In config order; an API job without `hotfolder` or `productId` uses the first.
        public var folders: [HotfolderDefaults]
        /// The `products:` section in config order, then each folder's own inline product.
        public var products: [ProductDefinition]

        public init(folders: [HotfolderDefaults], products: [ProductDefinition] = []) {
            self.folders = folders
            self.products = products
        }
    }

    private let entries: Mutex<Entries>

    public init(_ entries: Entries) {
        self.entries = Mutex(entries)
    }

    public var current: Entries { entries.withLock { $0 } }

    public func replace(with entries: Entries) { self.entries.withLock { $0 = entries } }
}

/// A product a client can order by id: its sizes and rules, and the settings its jobs take unless the
/// request or the hot folder names its own.
public struct ProductDefinition: Sendable, Hashable {
    public var id: String
    /// What the shop calls it, for an integrator's product list ("Business card 85 x 55 mm").
    public var description: String?
    /// The sizes and rules; `spec.id` is `id`.
    public var spec: ProductSpec
    public var profile: String?
    public var approval: ApprovalPolicy?
    public var fixups: [FixUpID]?

    public init(id: String, description: String? = nil, spec: ProductSpec, profile: String? = nil,
                approval: ApprovalPolicy? = nil, fixups: [FixUpID]? = nil) {
        self.id = id
        self.description = description
        var spec = spec
        spec.id = id
        self.spec = spec
        self.profile = profile
        self.approval = approval
        self.fixups = fixups
    }

    /// Ids name products in URLs, file names and MIS records: letters, digits, '.', '_' and '-', 1 to 100.
    public static func isValidID(_ id: String) -> Bool {
        (1...100).contains(id.utf8.count) && id.first != "." && id.first != "-"
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.productID.contains($0)) }
    }
}

private extension CharacterSet {
    static let productID = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
}
