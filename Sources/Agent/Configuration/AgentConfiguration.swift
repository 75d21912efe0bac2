import Bridge
import Foundation
import JobStore
import Pipeline

/// The agent's whole configuration, resolved: absolute paths, parsed lengths and durations, defaults applied.
struct AgentConfiguration: Sendable, Equatable {
    /// The config file it came from; relative paths in it were resolved against its folder.
    var file: String
    /// Holds the SQLite store and each job's working files.
    var stateDirectory: String
    /// How many worker processes may run at once, over all folders.
    var workers: Int
    var limits: WorkerLimits
    /// How long a stop waits for running stages before killing them; keep it below systemd's TimeoutStopSec.
    var shutdownGrace: Duration = .seconds(75)
    /// Below this many free bytes on the state directory or an output filesystem, intake pauses.
    var minimumFreeBytes: UInt64 = 2 << 30
    var bridge: BridgeSettings
    var callbacks: CallbackSettings
    var hotfolders: [HotFolderConfiguration]
    /// What API clients may order by id: the `products:` section, then each folder's own product.
    var products: [ProductDefinition] = []
    /// What the daily sweep removes from the store and the state directory.
    var retention = RetentionPolicy()
    /// Where jobs, events, tokens and deliveries are kept.
    var store = StoreSetting.sqlite
    /// `shared_dir`: where the jobs' workspaces, the proof-link key and the callback secret live when
    /// several agents share a store, so that every agent's bridge serves every job; the state directory
    /// when unset.
    var sharedDirectory: String?
    /// This server among the agents sharing a store.
    var node = NodeSettings()

    var databasePath: String { stateDirectory + "/jobs.sqlite" }
    /// What every agent of a shop must see alike: `shared_dir`, else the state directory.
    var sharedStateDirectory: String { sharedDirectory ?? stateDirectory }
    /// The key that signs proof-page links, made at first start.
    var proofLinkKeyPath: String { sharedStateDirectory + "/proof-link.key" }
    /// The secret that signs callbacks when `callbacks.secret` is not set, made at first start.
    var callbackSecretPath: String { sharedStateDirectory + "/callback-secret" }
    var jobsDirectory: String { sharedStateDirectory + "/jobs" }

    func hotfolder(named name: String) -> HotFolderConfiguration? { hotfolders.first { $0.name == name } }

    /// `store:` in the config: SQLite in the state directory (the default), or a PostgreSQL server.
    enum StoreSetting: Sendable, Equatable {
        case sqlite
        case postgres(PostgresURL)
    }

    /// What the bridge offers API jobs.
    var orderCatalog: OrderCatalog.Entries { OrderCatalog.Entries(folders: hotfolders.map(\.bridgeDefaults), products: products) }

    /// Each folder's `max_concurrent`, for the worker slots.
    var folderConcurrency: [String: Int] { Dictionary(hotfolders.map { ($0.name, $0.maxConcurrent) }, uniquingKeysWith: { first, _ in first }) }
}

/// `node:`: this server's name among the agents sharing a store, and how long one may stay silent before
/// the others take over its jobs.
struct NodeSettings: Sendable, Equatable {
    var name = NodeSettings.hostName
    var timeout: Duration = .seconds(30)

    /// How long the database lets one of this agent's sessions sit in an open transaction: half the
    /// timeout, between 1 and 15 s. A stalled agent's locks are freed well before the others rescue it.
    var idleTransactionLimit: Duration { min(max(timeout / 2, .seconds(1)), .seconds(15)) }

    /// The host's name, made a valid node name (the default `node.name`).
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        let raw = gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : ""
        let short = String(raw.prefix { $0 != "." })
        let cleaned = String(short.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(63))
        return isValidName(cleaned) ? cleaned : "node"
    }

    /// A name that is a folder name in every claim area, and never a job's id (claims of old layouts are
    /// folders named by job id in the same place).
    static func isValidName(_ name: String) -> Bool {
        guard (1...63).contains(name.count), let first = name.first, first.isASCII, first.isLetter || first.isNumber,
              !name.hasPrefix("job_") else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
    }
}

/// What a single worker process may use before it is stopped.
struct WorkerLimits: Sendable, Equatable {
    var stageTimeout: Duration = .seconds(120)
    var addressSpaceBytes: UInt64 = 2 << 30
    /// How often a stage that failed for an unknown reason runs in all before its job fails.
    var maxAttempts = 5
}

struct BridgeSettings: Sendable, Equatable {
    var host = "127.0.0.1"
    var port = 8181
    /// The base URL put into links handed to integrators (defaults to http://host:port).
    var publicURL: String?
    var maxUploadBytes: Int64 = 500_000_000
    /// Requests per API token per minute.
    var requestsPerMinute = 1000
    /// How long a proof-page link handed out stays valid.
    var proofLinkLifetime: Duration = .seconds(14 * 86400)
    /// When set, GET /metrics needs `Authorization: Bearer <token>`.
    var metricsToken: String?
    /// Open connections at most; more are closed at once.
    var maxConnections = 4096
    /// A connection with no request for this long is closed.
    var idleTimeout: Duration = .seconds(60)
    /// Requests per minute per client address without a valid token, and to /proof pages.
    var clientRequestsPerMinute = 120

    var effectivePublicURL: String { publicURL ?? "http://\(host):\(port)" }
}

struct CallbackSettings: Sendable, Equatable {
    var policy: CallbackHostPolicy { CallbackHostPolicy(allowedHosts: allowedHosts, allowedNetworks: allowedNetworks) }

    var secret: String?
    /// Hosts callback and webhook URLs may point to; nil allows any.
    var allowedHosts: [String]?
    /// Networks callbacks may reach although they are loopback, link-local or private (CIDRs).
    var allowedNetworks: [IPNetwork] = []
    var retrySchedule: [Duration] = [0, 300, 300, 300, 300, 300, 900, 3600, 7200, 14400, 86400].map { .seconds($0) }
}

/// One hot folder: where files arrive, where results go, and what product files there are checked against.
struct HotFolderConfiguration: Sendable, Equatable {
    typealias Approval = ApprovalPolicy
    /// auto: inotify on local filesystems plus rescans, rescans only on network filesystems. poll: rescans
    /// only, for mounts that look local but are written elsewhere (a bind mount of a share, say).
    enum WatchMode: String, Sendable, Equatable, CaseIterable { case auto, poll }
    /// optional: a sidecar ticket NAME.json is used when it is there; required: every file waits for one.
    enum TicketPolicy: String, Sendable, Equatable, CaseIterable { case optional, required }

    var name: String
    var root: String
    var layout: FolderLayout
    var product: ProductSpec
    var preflightProfile: String?
    var preflightThresholds: [String: String]
    /// Severity overrides per check id ("color.rgb": "warning").
    var preflightSeverities: [String: String]
    var approval: Approval
    /// How long a file written in place must stay unchanged before it counts as complete.
    var stability: Duration
    var watch: WatchMode
    var pollInterval: Duration
    /// Extra ignore patterns (shell globs on the file name), added to the built-in ones.
    var ignore: [String]
    /// A regular expression with named groups (orderReference, externalId, ...) matched against file names.
    var filenamePattern: String?
    /// Template for output names from the pattern's groups ("{orderReference}-{side}"); nil keeps the original's.
    var outputName: String? = nil
    var callbackURL: String?
    var maxConcurrent: Int
    var ticket: TicketPolicy = .optional
    /// Marks drawn on print-ready PDFs outside the bleed.
    var marks: PrintReadySettings.Marks = .none
    /// Fix-ups made before preflight, unless a job names its own (`generate_bleed: mirror` is bleed.mirror).
    var fixups: [FixUpID] = []
    /// How far proportions may differ for size.fit, as a share (0.02).
    var fitTolerance = 0.02
    /// The CMYK output profile for colour conversion and added output intents; nil: `OutputProfile.defaultPath`.
    var outputProfile: String?
    /// How color.cmyk brings colours into the press's gamut.
    var intent = RenderingIntent.relativeColorimetric
    /// How long a file waits for its required ticket (and a ticket for its file) before giving up.
    var ticketTimeout: Duration = .seconds(600)
}

extension HotFolderConfiguration {
    /// What an API job naming this folder inherits.
    var bridgeDefaults: HotfolderDefaults {
        HotfolderDefaults(name: name, product: product, approval: approval, callbackURL: callbackURL)
    }
}

/// The folders of one hot folder. All absolute.
struct FolderLayout: Sendable, Equatable {
    var inbox: String
    var printReady: String
    var proofs: String
    var reports: String
    var error: String
    var originals: String
    var unsupported: String
    /// The claim areas on the inbox's filesystem, so claiming is an atomic rename: one per node below it.
    var work: String
    /// The node whose claim area `claims` is (`node.name`).
    var node = "local"
    /// This node's claim area, `.work/<node>/`: where it claims files into `<job id>/` folders.
    var claims: String { work + "/" + node }

    /// The default layout below `root`.
    init(root: String) {
        inbox = root + "/in"
        printReady = root + "/out/print-ready"
        proofs = root + "/out/proofs"
        reports = root + "/out/reports"
        error = root + "/error"
        originals = root + "/originals"
        unsupported = root + "/unsupported"
        work = root + "/.work"
    }

    /// The folders the agent writes into, by config key.
    var outputs: [(key: String, path: String)] {
        [("print_ready", printReady), ("proofs", proofs), ("reports", reports), ("error", error),
         ("originals", originals), ("unsupported", unsupported), ("work", work)]
    }

    var all: [String] { [inbox] + outputs.map(\.path) }
}
