import Bridge
import Foundation
import JobStore
import Pipeline
import Yams

/// Walks the YAML node tree, recording problems at each node's position. Every `read...` method returns a
/// usable value (the default) even after a problem, so later checks still run and report.
struct ConfigReader {
    let baseDirectory: String
    let checksFilesystem: Bool
    private(set) var problems: [ConfigProblem] = []

    init(baseDirectory: String, checksFilesystem: Bool) {
        self.baseDirectory = baseDirectory
        self.checksFilesystem = checksFilesystem
    }

    static let topLevelKeys = ["state_dir", "shared_dir", "store", "node", "workers", "limits", "bridge", "callbacks", "retention", "products", "hotfolders"]
    static let storeKeys = ["url", "password_file"]
    static let nodeKeys = ["name", "timeout"]
    static let retentionKeys = ["finished_jobs", "delivery_attempts", "idempotency_keys"]
    static let hotfolderKeys = ["name", "root", "paths", "product", "preflight", "approval", "stability", "watch", "poll_interval",
                                "ignore", "filename_pattern", "output_name", "callback_url", "max_concurrent", "ticket", "ticket_timeout", "marks",
                                "generate_bleed", "fixups", "fit_tolerance", "color"]
    static let bridgeKeys = ["listen", "public_url", "max_upload", "rate_limit", "proof_link_lifetime", "metrics_token",
                             "max_connections", "idle_timeout", "client_rate_limit"]
    static let callbacksKeys = ["secret", "retry_schedule", "allowed_hosts", "allowed_networks"]
    static let preflightKeys = ["profile", "thresholds", "severities"]
    static let limitsKeys = ["stage_timeout", "worker_memory", "shutdown_grace", "min_free_space", "max_attempts"]
    static let pathKeys = ["inbox", "print_ready", "proofs", "reports", "error", "originals", "unsupported", "work"]
    static let productKeys = ["trim", "bleed", "safety", "pages", "shape", "corner_radius", "dieline", "finishing", "parts", "output"]
    /// A part of a product is a name and the sizes it sets over its product's.
    static let partKeys = ["name", "trim", "bleed", "safety", "pages", "shape", "corner_radius", "dieline"]
    /// A catalogue product is its sizes plus the settings its jobs take unless their folder or request sets them.
    static let productDefinitionKeys = ["description"] + productKeys + ["profile", "approval", "fixups"]
    static let colorKeys = ["output_profile", "intent"]

    /// Every key the config accepts, as a path ("limits.stage_timeout", "hotfolders[].product.trim"): the
    /// list docs/operations.md must document.
    static var allKeyPaths: [String] {
        var paths: [String] = []
        for key in topLevelKeys {
            switch key {
            case "limits": paths += limitsKeys.map { "limits." + $0 }
            case "bridge": paths += bridgeKeys.map { "bridge." + $0 }
            case "callbacks": paths += callbacksKeys.map { "callbacks." + $0 }
            case "retention": paths += retentionKeys.map { "retention." + $0 }
            case "store": paths += ["store"] + storeKeys.map { "store." + $0 }
            case "node": paths += nodeKeys.map { "node." + $0 }
            case "products": paths += productDefinitionKeys.map { "products.<id>." + $0 } + ["products.<id>.dieline.name"]
                + partKeys.map { "products.<id>.parts[]." + $0 }
            case "hotfolders":
                for folderKey in hotfolderKeys {
                    let prefix = "hotfolders[]." + folderKey
                    switch folderKey {
                    case "paths": paths += pathKeys.map { prefix + "." + $0 }
                    case "product": paths += [prefix] + productKeys.map { prefix + "." + $0 } + [prefix + ".dieline.name"]
                        + partKeys.map { prefix + ".parts[]." + $0 }
                    case "preflight": paths += preflightKeys.map { prefix + "." + $0 }
                    case "color": paths += colorKeys.map { prefix + "." + $0 }
                    default: paths.append(prefix)
                    }
                }
            default: paths.append(key)
            }
        }
        return paths
    }

    mutating func read(_ root: Node, file: String) -> AgentConfiguration {
        let top = fields(of: root, allowed: Self.topLevelKeys, context: "the config")
        let stateDirectory = top["state_dir"].flatMap { path($0, key: "state_dir") } ?? resolve("state")
        let workers = top["workers"].flatMap { positiveInt($0, key: "workers") } ?? ProcessInfo.processInfo.activeProcessorCount
        var limits = WorkerLimits()
        var shutdownGrace: Duration?
        var minimumFreeBytes: UInt64?
        if let node = top["limits"] {
            let fields = fields(of: node, allowed: Self.limitsKeys, context: "limits")
            if let value = fields["stage_timeout"].flatMap({ duration($0, key: "stage_timeout") }) { limits.stageTimeout = value }
            shutdownGrace = fields["shutdown_grace"].flatMap { duration($0, key: "shutdown_grace") }
            if let value = fields["max_attempts"].flatMap({ positiveInt($0, key: "max_attempts") }) { limits.maxAttempts = value }
            if let node = fields["min_free_space"], let text = scalar(node, key: "min_free_space") {
                if let bytes = ByteSizeParsing.parse(text) {
                    minimumFreeBytes = bytes
                } else {
                    report(node, "'min_free_space' must be a size such as \"2GiB\" (0 turns the disk guard off), not \"\(text)\"")
                }
            }
            if let node = fields["worker_memory"], let text = scalar(node, key: "worker_memory") {
                if let bytes = ByteSizeParsing.parse(text), bytes >= 64 << 20 {
                    limits.addressSpaceBytes = bytes
                } else {
                    report(node, "'worker_memory' must be a size of at least 64MiB, such as \"2GiB\", not \"\(text)\"")
                }
            }
        }
        let bridge = top["bridge"].map { readBridge($0) } ?? BridgeSettings()
        let callbacks = top["callbacks"].map { readCallbacks($0) } ?? CallbackSettings()
        let products = top["products"].map { readProducts($0) } ?? []
        var hotfolders: [(HotFolderConfiguration, Node)] = []
        if let node = top["hotfolders"] {
            if case .sequence(let sequence) = node {
                for item in sequence {
                    if let folder = readHotfolder(item, workers: workers, products: products) { hotfolders.append((folder, item)) }
                }
            } else {
                report(node, "'hotfolders' must be a list of hot folders, each starting with '- name:'")
            }
        }
        if hotfolders.isEmpty && top["hotfolders"] == nil {
            report(root, "the config has no 'hotfolders'; add at least one hot folder")
        }
        checkOverlaps(hotfolders)
        let policy = callbacks.policy
        for (folder, node) in hotfolders {
            if let url = folder.callbackURL, let refusal = policy.refusal(for: url), case .mapping(let pairs) = node,
               let urlNode = pairs.first(where: { $0.key.scalar?.string == "callback_url" })?.value {
                report(urlNode, "'callback_url' cannot be used: \(refusal)")
            }
        }
        var configuration = AgentConfiguration(file: file, stateDirectory: stateDirectory, workers: workers, limits: limits,
                                               bridge: bridge, callbacks: callbacks, hotfolders: hotfolders.map(\.0))
        configuration.products = products + inlineProducts(of: hotfolders, besides: products)
        if let node = top["retention"] { configuration.retention = readRetention(node) }
        if let node = top["store"], let store = readStore(node) { configuration.store = store }
        configuration.sharedDirectory = top["shared_dir"].flatMap { path($0, key: "shared_dir") }
        if let node = top["node"] { configuration.node = readNode(node) }
        for index in configuration.hotfolders.indices { configuration.hotfolders[index].layout.node = configuration.node.name }
        if let shutdownGrace { configuration.shutdownGrace = shutdownGrace }
        if let minimumFreeBytes { configuration.minimumFreeBytes = minimumFreeBytes }
        return configuration
    }

    // MARK: Sections

    /// `store: sqlite`, `store: postgres://user@host/db`, or `{url: ..., password_file: ...}` to keep the
    /// password out of the config.
    private mutating func readStore(_ node: Node) -> AgentConfiguration.StoreSetting? {
        var urlNode = node
        var passwordFile: String?
        if case .mapping = node {
            let fields = fields(of: node, allowed: Self.storeKeys, context: "store")
            guard let url = fields["url"] else {
                report(node, "'store' needs its 'url', such as postgres://hotfolder@db.example/hotfolder")
                return nil
            }
            urlNode = url
            passwordFile = fields["password_file"].flatMap { path($0, key: "password_file") }
        }
        guard let text = scalar(urlNode, key: "store") else { return nil }
        if text == "sqlite" {
            if passwordFile != nil { report(node, "'password_file' is for a PostgreSQL store; SQLite has none") }
            return .sqlite
        }
        do {
            var url = try PostgresURL(text)
            if let passwordFile {
                guard url.password == nil else {
                    report(node, "the store's URL has a password and 'password_file' names another; keep one")
                    return nil
                }
                guard let data = FileManager.default.contents(atPath: passwordFile) else {
                    report(node, "the store's password_file \(passwordFile) cannot be read")
                    return nil
                }
                url.password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return .postgres(url)
        } catch {
            report(urlNode, "'store' must be sqlite or a PostgreSQL URL: \(error.description)")
            return nil
        }
    }

    /// `node: {name, timeout}`: what this server is called among the agents sharing a store, and how long
    /// one may be silent before the others rescue its jobs.
    private mutating func readNode(_ node: Node) -> NodeSettings {
        var settings = NodeSettings()
        let fields = fields(of: node, allowed: Self.nodeKeys, context: "node")
        if let nameNode = fields["name"], let name = scalar(nameNode, key: "name") {
            if NodeSettings.isValidName(name) {
                settings.name = name
            } else {
                report(nameNode, "'node.name' must be 1-63 letters, digits, '.', '-' or '_', starting with a letter or digit "
                       + "(and not 'job_'), such as prepress-1; not \"\(name)\"")
            }
        }
        if let value = fields["timeout"].flatMap({ duration($0, key: "timeout", minimum: .seconds(1)) }) { settings.timeout = value }
        return settings
    }

    private mutating func readBridge(_ node: Node) -> BridgeSettings {
        var settings = BridgeSettings()
        let fields = fields(of: node, allowed: Self.bridgeKeys,
                            context: "bridge")
        if let listen = fields["listen"], let text = scalar(listen, key: "listen") {
            if let separator = text.lastIndex(of: ":"), let port = Int(text[text.index(after: separator)...]),
               (0...65535).contains(port), separator != text.startIndex {
                settings.host = String(text[..<separator]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                settings.port = port
            } else {
                report(listen, "'listen' must be HOST:PORT, such as \"127.0.0.1:8181\", not \"\(text)\"")
            }
        }
        if let node = fields["public_url"], let text = scalar(node, key: "public_url") {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                settings.publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                report(node, "'public_url' must be an http or https URL, not \"\(text)\"")
            }
        }
        if let node = fields["max_upload"], let text = scalar(node, key: "max_upload") {
            if let bytes = ByteSizeParsing.parse(text), bytes >= 1 << 20 {
                settings.maxUploadBytes = Int64(bytes)
            } else {
                report(node, "'max_upload' must be a size of at least 1MiB, such as \"500MB\", not \"\(text)\"")
            }
        }
        if let node = fields["rate_limit"], let limit = positiveInt(node, key: "rate_limit") {
            settings.requestsPerMinute = limit
        }
        if let node = fields["proof_link_lifetime"], let lifetime = duration(node, key: "proof_link_lifetime", minimum: .seconds(60)) {
            settings.proofLinkLifetime = lifetime
        }
        if let node = fields["metrics_token"], let text = scalar(node, key: "metrics_token") {
            if text.count >= 16 && text.allSatisfy({ $0.isASCII && !$0.isWhitespace }) {
                settings.metricsToken = text
            } else {
                report(node, "'metrics_token' must be at least 16 characters without spaces, such as the output of 'openssl rand -hex 16'")
            }
        }
        if let node = fields["max_connections"], let limit = positiveInt(node, key: "max_connections") {
            settings.maxConnections = limit
        }
        if let node = fields["idle_timeout"], let timeout = duration(node, key: "idle_timeout", minimum: .seconds(1)) {
            settings.idleTimeout = timeout
        }
        if let node = fields["client_rate_limit"], let limit = positiveInt(node, key: "client_rate_limit") {
            settings.clientRequestsPerMinute = limit
        }
        return settings
    }

    private mutating func readRetention(_ node: Node) -> RetentionPolicy {
        var policy = RetentionPolicy()
        let fields = fields(of: node, allowed: Self.retentionKeys, context: "retention")
        if let value = fields["finished_jobs"].flatMap({ duration($0, key: "finished_jobs", minimum: .seconds(86400)) }) { policy.finishedJobs = value }
        if let value = fields["delivery_attempts"].flatMap({ duration($0, key: "delivery_attempts", minimum: .seconds(86400)) }) {
            policy.deliveryAttempts = value
        }
        // Shorter than a day would let a retried request create a second job.
        if let value = fields["idempotency_keys"].flatMap({ duration($0, key: "idempotency_keys", minimum: .seconds(86400)) }) {
            policy.idempotencyKeys = value
        }
        return policy
    }

    private mutating func readCallbacks(_ node: Node) -> CallbackSettings {
        var settings = CallbackSettings()
        let fields = fields(of: node, allowed: Self.callbacksKeys, context: "callbacks")
        if let node = fields["secret"], let text = scalar(node, key: "secret") {
            do {
                _ = try WebhookSignature(secret: text)
                settings.secret = text
            } catch {
                report(node, "'secret': \(error.description)")
            }
        }
        if let node = fields["retry_schedule"] {
            if case .sequence(let items) = node, !items.isEmpty {
                settings.retrySchedule = items.compactMap { duration($0, key: "retry_schedule") }
            } else {
                report(node, "'retry_schedule' must be a list of durations, such as [0s, 5m, 1h]")
            }
        }
        if let node = fields["allowed_networks"] {
            if case .sequence(let items) = node, !items.isEmpty {
                settings.allowedNetworks = items.compactMap { item in
                    guard let text = scalar(item, key: "allowed_networks") else { return nil }
                    guard let network = IPNetwork(text) else {
                        report(item, "'allowed_networks' lists networks in CIDR form, such as 10.20.0.0/16 or fd00::/8, not \"\(text)\"")
                        return nil
                    }
                    return network
                }
            } else {
                report(node, "'allowed_networks' must be a list of networks, such as [192.168.10.0/24]")
            }
        }
        if let node = fields["allowed_hosts"] {
            if case .sequence(let items) = node, !items.isEmpty {
                settings.allowedHosts = items.compactMap { scalar($0, key: "allowed_hosts") }
            } else {
                report(node, "'allowed_hosts' must be a list of host names, such as [erp.example.com, \"*.example.com\"]")
            }
        }
        return settings
    }

    private mutating func readHotfolder(_ node: Node, workers: Int, products: [ProductDefinition]) -> HotFolderConfiguration? {
        let fields = fields(of: node, allowed: Self.hotfolderKeys, context: "a hot folder")
        guard case .mapping = node else { return nil }
        guard let nameNode = fields["name"] else {
            report(node, "a hot folder needs a 'name'")
            return nil
        }
        guard let name = scalar(nameNode, key: "name") else { return nil }
        if name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            report(nameNode, "hot folder name \"\(name)\" must be non-empty, without '/' and not start with '.'")
        }
        guard let rootNode = fields["root"] else {
            report(node, "hot folder '\(name)' needs a 'root' folder")
            return nil
        }
        guard let root = path(rootNode, key: "root") else { return nil }
        if checksFilesystem && !isDirectory(root) {
            report(rootNode, "hot folder '\(name)': the root folder \(root) does not exist; create it or fix the path")
        }
        var layout = FolderLayout(root: root)
        if let pathsNode = fields["paths"] {
            let paths = self.fields(of: pathsNode, allowed: Self.pathKeys, context: "paths")
            for (key, node) in paths {
                guard let value = path(node, key: key, relativeTo: root) else { continue }
                switch key {
                case "inbox": layout.inbox = value
                case "print_ready": layout.printReady = value
                case "proofs": layout.proofs = value
                case "reports": layout.reports = value
                case "error": layout.error = value
                case "originals": layout.originals = value
                case "unsupported": layout.unsupported = value
                default: layout.work = value
                }
            }
        }
        if checksFilesystem, let device = Self.device(of: layout.inbox), let workDevice = Self.device(of: layout.work),
           device != workDevice {
            report(fields["paths"]?["work"] ?? fields["paths"]?["inbox"] ?? rootNode,
                   "hot folder '\(name)': the work folder \(layout.work) must be on the same filesystem as the inbox \(layout.inbox), because files are claimed by an atomic rename")
        }
        var catalogued: ProductDefinition?
        var product = ProductSpec()
        if let node = fields["product"] {
            if case .scalar = node, let id = scalar(node, key: "product") {
                catalogued = products.first { $0.id == id }
                if let catalogued { product = catalogued.spec } else {
                    let known = products.isEmpty ? "the config has no 'products' section"
                        : "one of " + products.map(\.id).joined(separator: ", ")
                    report(node, "hot folder '\(name)': there is no product '\(id)' in 'products'; \(known)")
                }
            } else {
                product = readProduct(node, context: "product", keys: Self.productKeys).spec
                // A folder's own product is ordered by the folder's name.
                if product != ProductSpec() { product.id = name }
            }
        }
        var profile: String? = catalogued?.profile
        var thresholds: [String: String] = [:]
        var severities: [String: String] = [:]
        if let node = fields["preflight"] {
            let preflight = self.fields(of: node, allowed: Self.preflightKeys, context: "preflight")
            if let node = preflight["profile"], let name = scalar(node, key: "profile") {
                if PreflightProfile.named(name) == nil {
                    report(node, PreflightSettingError.unknownProfile(name).description)
                } else {
                    profile = name
                }
            }
            thresholds = stringMap(preflight["thresholds"], key: "thresholds")
            severities = stringMap(preflight["severities"], key: "severities")
            do {
                _ = try (PreflightProfile.named(profile ?? "basic") ?? .basic).overriding(thresholds: thresholds, severities: severities)
            } catch {
                report(preflight["thresholds"] ?? preflight["severities"] ?? node, "hot folder '\(name)': \(error.description)")
            }
        }
        var approval = catalogued?.approval ?? HotFolderConfiguration.Approval.auto
        if let node = fields["approval"], let text = scalar(node, key: "approval") {
            if let value = HotFolderConfiguration.Approval(rawValue: text) { approval = value } else {
                report(node, "'approval' must be auto or required, not \"\(text)\"")
            }
        }
        var watch = HotFolderConfiguration.WatchMode.auto
        if let node = fields["watch"], let text = scalar(node, key: "watch") {
            if let value = HotFolderConfiguration.WatchMode(rawValue: text) { watch = value } else {
                report(node, "'watch' must be auto or poll, not \"\(text)\"")
            }
        }
        var ignore: [String] = []
        if let node = fields["ignore"] {
            if case .sequence(let items) = node {
                ignore = items.compactMap { scalar($0, key: "ignore") }
            } else {
                report(node, "'ignore' must be a list of file name patterns, such as [\"*.log\", \"proof_*\"]")
            }
        }
        var pattern: String?
        if let node = fields["filename_pattern"], let text = scalar(node, key: "filename_pattern") {
            do {
                _ = try NSRegularExpression(pattern: text)
                pattern = text
            } catch {
                report(node, "'filename_pattern' is not a valid regular expression: \"\(text)\"")
            }
        }
        // Files of a product made of parts are told apart by their names: the order and the part.
        if product.hasParts, !(pattern.map { $0.contains("(?<part>") && ($0.contains("(?<externalId>") || $0.contains("(?<orderReference>")) } ?? false) {
            report(fields["filename_pattern"] ?? fields["product"] ?? rootNode,
                   "hot folder '\(name)': its product is made of parts (\(product.partNames.joined(separator: ", "))), so its 'filename_pattern' "
                   + "must find the order and the part in a file's name, such as '^(?<externalId>ORD-[0-9]+)_(?<part>\(product.partNames.joined(separator: "|")))\\.pdf$'")
        }
        var callbackURL: String?
        if let node = fields["callback_url"], let text = scalar(node, key: "callback_url") {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                callbackURL = text
            } else {
                report(node, "'callback_url' must be an http or https URL, not \"\(text)\"")
            }
        }
        var ticket = HotFolderConfiguration.TicketPolicy.optional
        if let node = fields["ticket"], let text = scalar(node, key: "ticket") {
            if let value = HotFolderConfiguration.TicketPolicy(rawValue: text) { ticket = value } else {
                report(node, "'ticket' must be optional or required, not \"\(text)\"")
            }
        }
        var configuration = HotFolderConfiguration(
            name: name, root: root, layout: layout, product: product, preflightProfile: profile,
            preflightThresholds: thresholds, preflightSeverities: severities, approval: approval,
            stability: fields["stability"].flatMap { duration($0, key: "stability") } ?? .seconds(2), watch: watch,
            pollInterval: fields["poll_interval"].flatMap { duration($0, key: "poll_interval", minimum: .milliseconds(100)) } ?? .seconds(10),
            ignore: ignore, filenamePattern: pattern, callbackURL: callbackURL,
            maxConcurrent: fields["max_concurrent"].flatMap { positiveInt($0, key: "max_concurrent") } ?? workers)
        configuration.ticket = ticket
        if let node = fields["marks"], let text = scalar(node, key: "marks") {
            if let marks = PrintReadySettings.Marks(rawValue: text) { configuration.marks = marks } else {
                report(node, "'marks' must be none or crop, not \"\(text)\"")
            }
        }
        readFixUps(fields, into: &configuration)
        if fields["fixups"] == nil && fields["generate_bleed"] == nil, let fixups = catalogued?.fixups { configuration.fixups = fixups }
        if let timeout = fields["ticket_timeout"].flatMap({ duration($0, key: "ticket_timeout") }) { configuration.ticketTimeout = timeout }
        if let node = fields["output_name"], let text = scalar(node, key: "output_name") {
            let known = OutputNaming.knownPlaceholders(pattern: pattern)
            let unknown = OutputNaming.placeholders(in: text).filter { !known.contains($0) }
            if text.contains("/") {
                report(node, "'output_name' is a name, not a path: remove the '/'")
            } else if !unknown.isEmpty {
                report(node, "'output_name' uses {\(unknown.joined(separator: "}, {"))}, which is not a group of 'filename_pattern' "
                       + "nor one of {name}, {externalId}, {job}")
            } else {
                configuration.outputName = text
            }
        }
        return configuration
    }

    /// `fixups`, `fit_tolerance`, `color.output_profile`, and the older `generate_bleed: mirror`, which
    /// is the fix-up bleed.mirror.
    private mutating func readFixUps(_ fields: [String: Node], into configuration: inout HotFolderConfiguration) {
        var names: [String] = []
        if let node = fields["fixups"] {
            if case .sequence(let items) = node {
                names = items.compactMap { scalar($0, key: "fixups") }
            } else {
                report(node, "'fixups' must be a list of fix-ups, such as [trim.infer, bleed.mirror]")
            }
        }
        if let node = fields["generate_bleed"], let text = scalar(node, key: "generate_bleed") {
            switch RasterToPDF.BleedGeneration(rawValue: text) {
            case .mirror: if !names.contains(FixUpID.bleedMirror.rawValue) { names.append(FixUpID.bleedMirror.rawValue) }
            case .none?: break
            case nil: report(node, "'generate_bleed' must be none or mirror, not \"\(text)\"")
            }
        }
        do {
            configuration.fixups = try FixUpID.parse(names)
        } catch {
            report(fields["fixups"] ?? fields["generate_bleed"]!, "hot folder '\(configuration.name)': \(error.description)")
        }
        if let node = fields["fit_tolerance"], let text = scalar(node, key: "fit_tolerance") {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let value = trimmed.hasSuffix("%") ? Double(trimmed.dropLast()).map { $0 / 100 } : Double(trimmed)
            if let value, value >= 0, value < 0.5 { configuration.fitTolerance = value } else {
                report(node, "'fit_tolerance' must be a share of the proportions such as 2% or 0.02 (below 50%), not \"\(text)\"")
            }
        }
        if let node = fields["color"] {
            let color = self.fields(of: node, allowed: Self.colorKeys, context: "color")
            if let profileNode = color["output_profile"], let path = path(profileNode, key: "output_profile") {
                configuration.outputProfile = path
                if checksFilesystem {
                    do { _ = try OutputProfile(path: path) } catch { report(profileNode, "'output_profile': \(error.description)") }
                }
            }
            if let intentNode = color["intent"], let text = scalar(intentNode, key: "intent") {
                if let intent = RenderingIntent(rawValue: text) { configuration.intent = intent } else {
                    report(intentNode, "'intent' must be one of \(RenderingIntent.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"")
                }
            }
        }
    }

    /// The `products:` section: a mapping of product ids to their definitions, in config order.
    private mutating func readProducts(_ node: Node) -> [ProductDefinition] {
        guard case .mapping(let mapping) = node else {
            report(node, "'products' must be a mapping of product ids to products, such as 'business-card-85x55: {trim: 85x55mm}'")
            return []
        }
        var products: [ProductDefinition] = []
        for (keyNode, value) in mapping {
            guard let id = keyNode.string else { continue }
            guard ProductDefinition.isValidID(id) else {
                report(keyNode, "product id \"\(id)\" must be 1 to 100 letters, digits, '.', '_' or '-', not starting with '.' or '-'")
                continue
            }
            guard !products.contains(where: { $0.id == id }) else {
                report(keyNode, "the product '\(id)' is defined twice in 'products'")
                continue
            }
            products.append(readProduct(value, context: "product '\(id)'", keys: Self.productDefinitionKeys).definition(id: id))
        }
        return products
    }

    /// Each folder's own (inline) product, listed under the folder's name.
    private mutating func inlineProducts(of folders: [(HotFolderConfiguration, Node)], besides catalogue: [ProductDefinition]) -> [ProductDefinition] {
        folders.compactMap { folder, node in
            guard folder.product.id == folder.name, let productNode = node["product"], case .mapping = productNode else { return nil }
            if catalogue.contains(where: { $0.id == folder.name }) {
                report(productNode, "hot folder '\(folder.name)' defines its own product, which is ordered by the folder's name, "
                       + "and 'products' has a product of that id too; write 'product: \(folder.name)' or rename one")
                return nil
            }
            return ProductDefinition(id: folder.name, spec: folder.product, profile: folder.preflightProfile,
                                     approval: folder.approval, fixups: folder.fixups)
        }
    }

    /// A product's keys as read; the catalogue's extra keys stay nil where `keys` does not allow them.
    private struct ReadProduct {
        var spec = ProductSpec()
        var description: String?
        var profile: String?
        var approval: ApprovalPolicy?
        var fixups: [FixUpID]?

        func definition(id: String) -> ProductDefinition {
            ProductDefinition(id: id, description: description, spec: spec, profile: profile, approval: approval, fixups: fixups)
        }
    }

    private mutating func readProduct(_ node: Node, context: String, keys: [String]) -> ReadProduct {
        let fields = fields(of: node, allowed: keys, context: context)
        var read = ReadProduct()
        if let node = fields["trim"], let text = scalar(node, key: "trim") {
            do { read.spec.trim = try TrimSize(parsing: text) } catch {
                report(node, "'trim' must be WIDTHxHEIGHT with a unit, such as \"85x55mm\" or \"3.5x2in\": \(error.description)")
            }
        }
        read.spec.bleed = fields["bleed"].flatMap { length($0, key: "bleed") }
        read.spec.safety = fields["safety"].flatMap { length($0, key: "safety") }
        read.spec.cornerRadius = fields["corner_radius"].flatMap { length($0, key: "corner_radius") }
        if let node = fields["pages"] {
            switch node {
            case .sequence(let items):
                let numbers = items.compactMap { positiveInt($0, key: "pages") }
                if numbers.count == items.count, !numbers.isEmpty { read.spec.pages = .oneOf(numbers) }
            default:
                if let text = scalar(node, key: "pages") {
                    do { read.spec.pages = try PageCountRule(parsing: text) } catch { report(node, error.description) }
                }
            }
        }
        if let node = fields["shape"], let text = scalar(node, key: "shape") {
            if let shape = ProductSpec.Shape(rawValue: text) { read.spec.shape = shape } else {
                let choices = ProductSpec.Shape.allCases.map(\.rawValue).joined(separator: ", ")
                report(node, "'shape' must be one of \(choices), not \"\(text)\"")
            }
        }
        if let problem = read.spec.shapeProblem { report(fields["corner_radius"] ?? fields["shape"] ?? node, "\(context): \(problem)") }
        read.spec.dieline = fields["dieline"].flatMap { dieline($0) }
        if let node = fields["finishing"] {
            if case .sequence(let items) = node { read.spec.finishing = items.compactMap { scalar($0, key: "finishing") } } else {
                report(node, "'finishing' must be a list, such as [lamination-matt, rounded-corners]")
            }
        }
        if let node = fields["parts"] { read.spec.parts = parts(node, context: context) }
        if let node = fields["output"], let text = scalar(node, key: "output") {
            if let value = PartsOutput(rawValue: text) { read.spec.output = value } else {
                report(node, "'output' must be combined or separate, not \"\(text)\"")
            }
        }
        if let problem = read.spec.partsProblem { report(fields["parts"] ?? node, "\(context): \(problem)") }
        read.description = fields["description"].flatMap { scalar($0, key: "description") }
        if let node = fields["profile"], let name = scalar(node, key: "profile") {
            if PreflightProfile.named(name) == nil { report(node, PreflightSettingError.unknownProfile(name).description) } else { read.profile = name }
        }
        if let node = fields["approval"], let text = scalar(node, key: "approval") {
            if let value = ApprovalPolicy(rawValue: text) { read.approval = value } else {
                report(node, "'approval' must be auto or required, not \"\(text)\"")
            }
        }
        if let node = fields["fixups"] {
            if case .sequence(let items) = node {
                do { read.fixups = try FixUpID.parse(items.compactMap { scalar($0, key: "fixups") }) } catch {
                    report(node, "\(context): \(error.description)")
                }
            } else {
                report(node, "'fixups' must be a list of fix-ups, such as [trim.infer, bleed.mirror]")
            }
        }
        return read
    }

    /// Two hot folders must never watch the same inbox, and no folder may write into any inbox: the agent
    /// would pick up its own outputs as new jobs.
    private mutating func checkOverlaps(_ folders: [(HotFolderConfiguration, Node)]) {
        var names: [String: Node] = [:]
        for (folder, node) in folders {
            if names[folder.name] != nil {
                report(node["name"] ?? node, "two hot folders are named '\(folder.name)'; names must be unique")
            }
            names[folder.name] = node
        }
        for (index, (folder, node)) in folders.enumerated() {
            let inboxNode = node["paths"]?["inbox"] ?? node["root"] ?? node
            for (other, _) in folders[..<index] where other.layout.inbox == folder.layout.inbox {
                report(inboxNode, "hot folders '\(other.name)' and '\(folder.name)' share the inbox \(folder.layout.inbox); each needs its own")
            }
            for (other, otherNode) in folders {
                for output in other.layout.outputs where Self.isInside(output.path, folder.layout.inbox) {
                    let at = otherNode["paths"]?[output.key] ?? otherNode["root"] ?? otherNode
                    report(at, "hot folder '\(other.name)': the \(output.key) folder \(output.path) is inside the inbox of '\(folder.name)'; outputs would be picked up as new files")
                }
                if other.layout.inbox != folder.layout.inbox && Self.isInside(other.layout.inbox, folder.layout.inbox) {
                    report(otherNode["paths"]?["inbox"] ?? otherNode["root"] ?? otherNode,
                           "hot folder '\(other.name)': its inbox \(other.layout.inbox) is inside the inbox of '\(folder.name)'")
                }
            }
        }
    }

    /// The device of `path`, or of its nearest existing ancestor when it does not exist yet.
    static func device(of path: String) -> UInt64? {
        var current = path
        while true {
            var info = stat()
            if stat(current, &info) == 0 { return UInt64(info.st_dev) }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { return nil }
            current = parent
        }
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    // MARK: Scalars

    /// The mapping's entries by key; reports a non-mapping node, unknown keys and duplicate keys.
    private mutating func fields(of node: Node, allowed: [String], context: String) -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            report(node, "\(context) must be a mapping of keys to values")
            return [:]
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            if !allowed.contains(key) {
                let suggestion = allowed.first { Self.isNear(key, $0) }.map { "; did you mean '\($0)'?" }
                    ?? "; expected one of \(allowed.joined(separator: ", "))"
                report(keyNode, "unknown key '\(key)' in \(context)\(suggestion)")
            } else if result[key] != nil {
                report(keyNode, "'\(key)' is given twice in \(context)")
            } else {
                result[key] = value
            }
        }
        return result
    }

    private mutating func scalar(_ node: Node, key: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(node, "'\(key)' must be a single value, not a list or mapping")
            return nil
        }
        return scalar.string
    }

    /// A mapping of names to single values, as text.
    private mutating func stringMap(_ node: Node?, key: String) -> [String: String] {
        guard let node else { return [:] }
        guard case .mapping(let mapping) = node else {
            report(node, "'\(key)' must be a mapping of names to values")
            return [:]
        }
        var result: [String: String] = [:]
        for (name, value) in mapping {
            if let name = name.string, let value = scalar(value, key: name) { result[name] = value }
        }
        return result
    }

    /// `none`, or `{name: CutContour}`: the spot colour the cut line is drawn in.
    /// `parts: [{name: front, pages: 1}, {name: back, pages: 1}]`: each a name and the sizes it sets.
    private mutating func parts(_ node: Node, context: String) -> [ProductPart]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            report(node, "\(context): 'parts' must be a list of parts, such as [{name: front, pages: 1}, {name: back, pages: 1}]")
            return nil
        }
        var parts: [ProductPart] = []
        for item in items {
            let name = item["name"].flatMap { scalar($0, key: "name") }
            guard let name else {
                report(item, "\(context): every part needs a name, such as {name: front, pages: 1}")
                continue
            }
            parts.append(ProductPart(name: name, spec: readProduct(item, context: "\(context), part '\(name)'", keys: Self.partKeys).spec))
        }
        return parts
    }

    private mutating func dieline(_ node: Node) -> Dieline? {
        if case .scalar = node {
            guard let text = scalar(node, key: "dieline") else { return nil }
            if text == "none" { return Dieline.none }
            report(node, "'dieline' must be none or {name: CutContour}, not \"\(text)\"")
            return nil
        }
        let fields = fields(of: node, allowed: ["name"], context: "dieline")
        guard let nameNode = fields["name"], let name = scalar(nameNode, key: "dieline.name") else {
            report(node, "'dieline' needs the spot colour's name, such as {name: CutContour}")
            return nil
        }
        if let problem = Dieline.problem(withName: name) {
            report(nameNode, "'dieline.name': \(problem)")
            return nil
        }
        return .spot(name: name)
    }

    private mutating func positiveInt(_ node: Node, key: String) -> Int? {
        guard let text = scalar(node, key: key) else { return nil }
        guard let value = Int(text), value > 0 else {
            report(node, "'\(key)' must be a whole number of 1 or more, not \"\(text)\"")
            return nil
        }
        return value
    }

    private mutating func length(_ node: Node, key: String) -> Length? {
        guard let text = scalar(node, key: key) else { return nil }
        do { return try Length(parsing: text) } catch {
            report(node, "'\(key)': \(error.description)")
            return nil
        }
    }

    private mutating func duration(_ node: Node, key: String, minimum: Duration = .zero) -> Duration? {
        guard let text = scalar(node, key: key) else { return nil }
        guard let value = DurationParsing.parse(text) else {
            report(node, "'\(key)' must be a duration such as \"500ms\", \"2s\", \"5m\" or \"1h\", not \"\(text)\"")
            return nil
        }
        guard value >= minimum else {
            report(node, "'\(key)' must be at least \(DurationParsing.format(minimum)), not \"\(text)\"")
            return nil
        }
        return value
    }

    private mutating func path(_ node: Node, key: String, relativeTo base: String? = nil) -> String? {
        guard let text = scalar(node, key: key) else { return nil }
        guard !text.isEmpty else {
            report(node, "'\(key)' must not be empty")
            return nil
        }
        return resolve(text, relativeTo: base)
    }

    private func resolve(_ text: String, relativeTo base: String? = nil) -> String {
        URL(fileURLWithPath: text, relativeTo: URL(fileURLWithPath: base ?? baseDirectory, isDirectory: true))
            .standardizedFileURL.path
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private mutating func report(_ node: Node, _ message: String) {
        problems.append(ConfigProblem(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message))
    }

    /// One edit apart (a typo), for "did you mean" hints.
    private static func isNear(_ a: String, _ b: String) -> Bool {
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > 1 { return false }
        var previous = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(1, y.count) where !y.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count] <= 1 || a.replacingOccurrences(of: "-", with: "_") == b
    }
}
