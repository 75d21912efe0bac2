@testable import Agent
import Foundation
import JobStore
import Pipeline
import TestFixtures
import Testing

@Suite struct ConfigTests {
    let base: URL

    init() throws {
        base = try makeTemporaryDirectory("config")
        for folder in ["cards", "posters"] {
            try FileManager.default.createDirectory(at: base.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    private func parse(_ yaml: String) throws(ConfigError) -> AgentConfiguration {
        try ConfigLoader().parse(yaml, file: "t.yaml", baseDirectory: base.path)
    }

    /// The `LINE:COLUMN: message` lines of an invalid config.
    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try parse(yaml)
            return []
        } catch {
            guard case .invalid(let file, let problems) = error else { return ["unreadable"] }
            #expect(file == "t.yaml")
            return problems.map(\.description)
        }
    }

    @Test func exampleConfigIsValid() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("hotfolders.example")
        let text = try String(contentsOf: example, encoding: .utf8)
        for folder in ["demo/business-cards", "demo/cards-two-files", "demo/posters"] {
            try FileManager.default.createDirectory(at: base.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let configuration = try parse(text)
        #expect(configuration.hotfolders.map(\.name) == ["business-cards", "cards-two-files", "posters"])
        #expect(configuration.hotfolders[1].product.partNames == ["front", "back"])
        #expect(configuration.stateDirectory == base.path + "/demo/state")
        #expect(configuration.bridge.port == 8181)
        #expect(configuration.hotfolders[0].product.trim?.description == "85x55mm")
    }

    @Test func defaultsAndRelativePaths() throws {
        let configuration = try parse("""
            hotfolders:
              - name: cards
                root: cards
            """)
        let folder = configuration.hotfolders[0]
        #expect(folder.root == base.path + "/cards")
        #expect(folder.layout.inbox == base.path + "/cards/in")
        #expect(folder.layout.printReady == base.path + "/cards/out/print-ready")
        #expect(folder.layout.work == base.path + "/cards/.work")
        #expect(folder.stability == .seconds(2))
        #expect(folder.pollInterval == .seconds(10))
        #expect(folder.approval == .auto)
        #expect(folder.ticket == .optional && folder.ticketTimeout == .seconds(600))
        #expect(configuration.workers == ProcessInfo.processInfo.activeProcessorCount)
        #expect(folder.maxConcurrent == configuration.workers)
        #expect(configuration.limits.stageTimeout == .seconds(120))
        #expect(configuration.limits.addressSpaceBytes == 2 << 30)
        #expect(configuration.bridge.effectivePublicURL == "http://127.0.0.1:8181")
    }

    @Test func pathOverridesAreRelativeToTheRoot() throws {
        let configuration = try parse("""
            hotfolders:
              - name: cards
                root: cards
                paths: {inbox: drop, error: /tmp/errors}
            """)
        #expect(configuration.hotfolders[0].layout.inbox == base.path + "/cards/drop")
        #expect(configuration.hotfolders[0].layout.error == "/tmp/errors")
    }

    @Test func productLengthsAndUnits() throws {
        let configuration = try parse("""
            hotfolders:
              - name: cards
                root: cards
                product: {trim: 3.5x2in, bleed: 0.125in, safety: 9pt, pages: [1, 2], shape: rounded-rectangle}
                stability: 500ms
                poll_interval: 1m
            """)
        let product = configuration.hotfolders[0].product
        #expect(abs(product.trim!.width.inches - 3.5) < 1e-9)
        #expect(product.bleed == .inches(0.125))
        #expect(product.safety == .points(9))
        #expect(product.pages == .oneOf([1, 2]))
        #expect(product.shape == .roundedRectangle && product.cornerRadius == nil && product.effectiveCornerRadius == .millimetres(3))
        #expect(configuration.hotfolders[0].stability == .milliseconds(500))
        #expect(configuration.hotfolders[0].pollInterval == .seconds(60))
    }

    @Test func dielinesAreNamedOrLeftOut() throws {
        let configuration = try parse("""
            products:
              sticker: {trim: 50x50mm, shape: circle, dieline: {name: Stanzkontur}}
              label: {trim: 50x30mm, shape: ellipse, dieline: none}
            hotfolders:
              - {name: cards, root: cards, product: sticker}
            """)
        #expect(configuration.products.map(\.spec.dielineName) == ["Stanzkontur", nil])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                product: {trim: 50x50mm, shape: circle, dieline: CutContour}
            """) == ["4:54: 'dieline' must be none or {name: CutContour}, not \"CutContour\""])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                product: {trim: 50x50mm, dieline: {name: "Cut Contour"}}
            """).first?.contains("without spaces") == true)
    }

    @Test func partsAreReadWithTheirOwnSizesAndNeedANameThatSaysThePart() throws {
        let configuration = try parse("""
            products:
              book:
                bleed: 3mm
                output: separate
                parts: [{name: cover, trim: 302x216mm}, {name: interior, trim: 148x210mm, pages: "24-200"}]
            hotfolders:
              - name: cards
                root: cards
                product: book
                filename_pattern: '^(?<externalId>B-[0-9]+)_(?<part>cover|interior)\\.pdf$'
            """)
        let book = try #require(configuration.products.first?.spec)
        #expect(book.partNames == ["cover", "interior"] && book.output == .separate)
        #expect(book.spec(ofPart: "interior")?.pages == .range(24...200))
        #expect(book.spec(ofPart: "cover")?.trim == (try TrimSize(parsing: "302x216mm")) && book.spec(ofPart: "cover")?.bleed == .millimetres(3))
        // Without a part group the folder cannot tell a front from a back.
        let unnamed = problems("""
            hotfolders:
              - name: cards
                root: cards
                product: {trim: 85x55mm, parts: [{name: front}, {name: back}]}
                filename_pattern: '^(?<externalId>ORD-[0-9]+)'
            """)
        #expect(unnamed.count == 1 && unnamed.first?.contains("(?<part>front|back)") == true, "\(unnamed)")
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                product: {parts: [{name: Front Side}]}
                filename_pattern: '^(?<externalId>ORD-[0-9]+)_(?<part>.+)$'
            """).first?.contains("lower-case letters") == true)
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                product: {parts: [{name: front}, {name: front}], output: both}
                filename_pattern: '^(?<externalId>ORD-[0-9]+)_(?<part>.+)$'
            """).sorted() == ["4:22: product: the part 'front' is listed twice", "4:62: 'output' must be combined or separate, not \"both\""])
    }

    /// Several servers: each names itself (the host name by default), claims into `.work/<name>/`, and keeps
    /// what all must share in `shared_dir`.
    @Test func aNodeHasANameATimeoutAndASharedFolder() throws {
        let alone = try parse("hotfolders:\n  - {name: cards, root: cards}\n")
        #expect(NodeSettings.isValidName(alone.node.name) && alone.node.timeout == .seconds(30))
        #expect(alone.jobsDirectory == alone.stateDirectory + "/jobs" && alone.sharedDirectory == nil)
        #expect(alone.hotfolders[0].layout.claims == alone.hotfolders[0].layout.work + "/" + alone.node.name)
        let clustered = try parse("shared_dir: /mnt/nas/hfa\nnode: {name: prepress-2, timeout: 10s}\nhotfolders:\n  - {name: cards, root: cards}\n")
        #expect(clustered.node == NodeSettings(name: "prepress-2", timeout: .seconds(10)))
        #expect(clustered.jobsDirectory == "/mnt/nas/hfa/jobs" && clustered.proofLinkKeyPath == "/mnt/nas/hfa/proof-link.key"
                && clustered.callbackSecretPath == "/mnt/nas/hfa/callback-secret")
        #expect(clustered.hotfolders[0].layout.claims.hasSuffix("/cards/.work/prepress-2"))
        #expect(problems("node: {name: 'job_01ARZ3NDEKTSV4RRFFQ69G5FAW'}\nhotfolders:\n  - {name: cards, root: cards}\n").first?
            .contains("'node.name' must be 1-63 letters") == true)
        #expect(problems("node: {name: 'a b'}\nhotfolders:\n  - {name: cards, root: cards}\n").count == 1)
        #expect(problems("node: {nme: x}\nhotfolders:\n  - {name: cards, root: cards}\n").first?.contains("did you mean 'name'") == true)
    }

    @Test func theStoreIsSQLiteOrAPostgreSQLURLWithItsPasswordKeptApart() throws {
        #expect(try parse("hotfolders:\n  - {name: cards, root: cards}\n").store == .sqlite)
        let url = try parse("store: postgres://hotfolder@db.example:6432/shop\nhotfolders:\n  - {name: cards, root: cards}\n").store
        #expect(url == .postgres(try PostgresURL("postgres://hotfolder@db.example:6432/shop")))
        let secret = base.appendingPathComponent("db-password")
        try "s3cret\n".write(to: secret, atomically: true, encoding: .utf8)
        let kept = try parse("store: {url: 'postgres://hotfolder@db.example/shop', password_file: db-password}\nhotfolders:\n  - {name: cards, root: cards}\n")
        guard case .postgres(let read) = kept.store else { Issue.record("not a PostgreSQL store"); return }
        #expect(read.password == "s3cret")
        #expect(problems("store: mysql://x@y/z\nhotfolders:\n  - {name: cards, root: cards}\n")
                == ["1:8: 'store' must be sqlite or a PostgreSQL URL: the store must be a URL such as postgres://hotfolder@db.example:5432/hotfolder"])
        #expect(problems("store: {url: 'postgres://u@db/x', password_file: missing}\nhotfolders:\n  - {name: cards, root: cards}\n").first?
            .contains("cannot be read") == true)
    }

    @Test func unknownKeyWithSuggestion() {
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                stabilty: 2s
            """) == ["4:5: unknown key 'stabilty' in a hot folder; did you mean 'stability'?"])
        #expect(problems("""
            colour: cmyk
            hotfolders:
              - {name: cards, root: cards}
            """) == ["1:1: unknown key 'colour' in the config; expected one of state_dir, shared_dir, store, node, workers, limits, bridge, callbacks, retention, products, hotfolders"])
    }

    @Test func wrongTypes() {
        #expect(problems("""
            workers: two
            hotfolders:
              - {name: cards, root: cards}
            """) == ["1:10: 'workers' must be a whole number of 1 or more, not \"two\""])
        #expect(problems("""
            hotfolders:
              name: cards
            """) == ["2:3: 'hotfolders' must be a list of hot folders, each starting with '- name:'"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                ignore: "*.log"
            """) == ["4:13: 'ignore' must be a list of file name patterns, such as [\"*.log\", \"proof_*\"]"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: [cards]
            """) == ["3:11: 'root' must be a single value, not a list or mapping"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                approval: maybe
            """) == ["4:15: 'approval' must be auto or required, not \"maybe\""])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                watch: fanotify
            """) == ["4:12: 'watch' must be auto or poll, not \"fanotify\""])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                ticket: always
            """) == ["4:13: 'ticket' must be optional or required, not \"always\""])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                marks: registration
                generate_bleed: stretch
            """) == ["4:12: 'marks' must be none or crop, not \"registration\"",
                     "5:21: 'generate_bleed' must be none or mirror, not \"stretch\""])
    }

    @Test func fixUpsAreChosenPerFolderAndRefusedInWords() throws {
        let configuration = try parse("""
            hotfolders:
              - name: cards
                root: cards
                fixups: [trim.infer, bleed.scale]
                fit_tolerance: 3%
                color:
                  output_profile: /usr/share/color/icc/ghostscript/default_cmyk.icc
              - name: images
                root: posters
                generate_bleed: mirror
            """)
        #expect(configuration.hotfolders[0].fixups == [.trimInfer, .bleedScale])
        #expect(abs(configuration.hotfolders[0].fitTolerance - 0.03) < 1e-9)
        #expect(configuration.hotfolders[0].outputProfile == "/usr/share/color/icc/ghostscript/default_cmyk.icc")
        #expect(configuration.hotfolders[1].fixups == [.bleedMirror], "generate_bleed: mirror is the fix-up bleed.mirror")
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                fixups: [trim.guess]
            """) == ["4:13: hot folder 'cards': unknown fix-up 'trim.guess'; one of trim.infer, size.fit, bleed.mirror, bleed.scale, color.cmyk, pdfx.output_intent"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                fixups: [bleed.mirror, bleed.scale]
            """) == ["4:13: hot folder 'cards': choose one of bleed.mirror and bleed.scale: both make the missing bleed"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                fit_tolerance: lots
                color:
                  output_profile: /usr/share/color/icc/ghostscript/srgb.icc
            """) == ["4:20: 'fit_tolerance' must be a share of the proportions such as 2% or 0.02 (below 50%), not \"lots\"",
                     "6:23: 'output_profile': srgb.icc is not a CMYK profile; colour for print needs a CMYK output profile"])
    }

    @Test func missingFolderAndMissingKeys() {
        #expect(problems("""
            hotfolders:
              - name: cards
                root: nowhere
            """) == ["3:11: hot folder 'cards': the root folder \(base.path)/nowhere does not exist; create it or fix the path"])
        #expect(problems("""
            hotfolders:
              - root: cards
            """) == ["2:5: a hot folder needs a 'name'"])
        #expect(problems("state_dir: x\n") == ["1:1: the config has no 'hotfolders'; add at least one hot folder"])
    }

    @Test func twoFoldersSharingAnInbox() {
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
              - name: posters
                root: posters
                paths: {inbox: ../cards/in}
            """) == ["6:20: hot folders 'cards' and 'posters' share the inbox \(base.path)/cards/in; each needs its own"])
    }

    @Test func workFolderOnAnotherFilesystemThanTheInbox() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/shm"), "needs a tmpfs at /dev/shm")
        try #require(ConfigReader.device(of: "/dev/shm") != ConfigReader.device(of: base.path), "/dev/shm is on the same filesystem")
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                paths: {work: /dev/shm/hfa-work}
            """) == ["4:19: hot folder 'cards': the work folder /dev/shm/hfa-work must be on the same filesystem as the inbox \(base.path)/cards/in, because files are claimed by an atomic rename"])
    }

    @Test func outputFolderInsideAnInbox() {
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                paths: {print_ready: in/done}
            """) == ["4:26: hot folder 'cards': the print_ready folder \(base.path)/cards/in/done is inside the inbox of 'cards'; outputs would be picked up as new files"])
    }

    @Test func badLengthsDurationsAndPatterns() {
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                product: {trim: 85x55, bleed: 3, safety: -2mm, pages: "9-3"}
                stability: soon
                filename_pattern: "(?<id"
            """) == [
                "4:21: 'trim' must be WIDTHxHEIGHT with a unit, such as \"85x55mm\" or \"3.5x2in\": \"55\" is not a length: add a unit, for example \"3mm\", \"0.125in\" or \"9pt\"",
                "4:35: 'bleed': \"3\" is not a length: add a unit, for example \"3mm\", \"0.125in\" or \"9pt\"",
                "4:46: 'safety': \"-2mm\" is negative; lengths must be zero or more",
                "4:59: \"9-3\" is not a page count: write 2, a list like [1, 2, 4] or a range like \"4-64\"",
                "5:16: 'stability' must be a duration such as \"500ms\", \"2s\", \"5m\" or \"1h\", not \"soon\"",
                "6:23: 'filename_pattern' is not a valid regular expression: \"(?<id\"",
            ])
    }

    @Test func preflightProfileThresholdsAndSeverities() throws {
        let configuration = try parse("""
            hotfolders:
              - name: cards
                root: cards
                preflight: {profile: pdfx-1a, thresholds: {min_image_ppi: 250}, severities: {fonts.type3: info}}
            """)
        #expect(configuration.hotfolders[0].preflightProfile == "pdfx-1a")
        #expect(configuration.hotfolders[0].preflightThresholds == ["min_image_ppi": "250"])
        #expect(configuration.hotfolders[0].preflightSeverities == ["fonts.type3": "info"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                preflight: {profile: strict}
            """) == ["4:26: unknown preflight profile 'strict'; one of basic, pdfx-1a, pdfx-4"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                preflight:
                  thresholds: {min_ppi: 250}
            """) == ["5:19: hot folder 'cards': unknown preflight threshold 'min_ppi'; one of size_tolerance_mm, allow_rotated, min_image_ppi, warn_image_ppi, max_image_ppi, bleed_tolerance_mm, min_line_width, min_text_size, max_ink_coverage"])
        #expect(problems("""
            hotfolders:
              - name: cards
                root: cards
                preflight:
                  severities: {color.rgb: fatal}
            """) == ["5:19: hot folder 'cards': the severity of 'color.rgb' must be error, warning or info, not \"fatal\""])
    }

    @Test func bridgeAndLimits() {
        #expect(problems("""
            bridge: {listen: nope, public_url: "ftp://x"}
            limits: {worker_memory: 1MiB, stage_timeout: 2s}
            hotfolders:
              - {name: cards, root: cards}
            """) == [
                "1:18: 'listen' must be HOST:PORT, such as \"127.0.0.1:8181\", not \"nope\"",
                "1:36: 'public_url' must be an http or https URL, not \"ftp://x\"",
                "2:25: 'worker_memory' must be a size of at least 64MiB, such as \"2GiB\", not \"1MiB\"",
            ])
    }

    @Test func duplicateNamesAndBrokenYAML() {
        #expect(problems("""
            hotfolders:
              - {name: cards, root: cards}
              - {name: cards, root: posters}
            """) == ["3:12: two hot folders are named 'cards'; names must be unique"])
        let broken = problems("hotfolders:\n  - name: [cards\n")
        #expect(broken.count == 1)
        #expect(broken.first?.contains("not valid YAML") == true)
    }

    @Test func fileErrorsNameTheFile() {
        do {
            _ = try ConfigLoader().load(path: base.path + "/missing.yaml")
            Issue.record("a missing file must be an error")
        } catch {
            #expect(error.description.hasPrefix(base.path + "/missing.yaml:1:1: cannot read the config"))
        }
    }
}

extension ConfigTests {
    @Test func aFolderCallbackOutsideTheAllowedHostsIsRefused() {
        let yaml = """
            callbacks:
              allowed_hosts: [erp.example.com]
            hotfolders:
              - name: cards
                root: cards
                callback_url: "http://10.0.0.5/hook"
            """
        #expect(problems(yaml).contains { $0.hasPrefix("6:") && $0.contains("allowed_hosts") })
        #expect(problems(yaml.replacingOccurrences(of: "http://10.0.0.5/hook", with: "https://erp.example.com/hook")).isEmpty)
        #expect(problems("callbacks:\n  secret: \"whsec_short\"\nhotfolders:\n  - name: cards\n    root: cards\n").contains { $0.contains("secret") })
    }
}

@Suite struct HardeningConfigTests {
    @Test func retentionNetworksAndBridgeLimitsAreRead() throws {
        let directory = try makeTemporaryDirectory("hardening-config")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cards"), withIntermediateDirectories: true)
        let good = """
            bridge: {listen: "127.0.0.1:0", metrics_token: "0123456789abcdef0123", max_connections: 64, idle_timeout: 5s, client_rate_limit: 30}
            callbacks: {allowed_networks: [192.168.10.0/24, "fd00::/8"]}
            retention: {finished_jobs: 180d, delivery_attempts: 7d, idempotency_keys: 2d}
            hotfolders:
              - {name: cards, root: cards}
            """
        let configuration = try ConfigLoader().parse(good, file: "t.yaml", baseDirectory: directory.path)
        #expect(configuration.bridge.metricsToken == "0123456789abcdef0123" && configuration.bridge.maxConnections == 64)
        #expect(configuration.bridge.idleTimeout == .seconds(5) && configuration.bridge.clientRequestsPerMinute == 30)
        #expect(configuration.callbacks.allowedNetworks.map(\.description) == ["192.168.10.0/24", "fd00::/8"])
        #expect(configuration.retention.finishedJobs == .seconds(180 * 86400) && configuration.retention.deliveryAttempts == .seconds(7 * 86400))
        let bad = """
            callbacks: {allowed_networks: [192.168.10/24]}
            retention: {finished_jobs: 1h}
            hotfolders:
              - {name: cards, root: cards, callback_url: "http://10.0.0.5/erp"}
            """
        do {
            _ = try ConfigLoader().parse(bad, file: "t.yaml", baseDirectory: directory.path)
            Issue.record("a bad config was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("CIDR form") && text.contains("'finished_jobs' must be at least 1d"))
            #expect(text.contains("10.0.0.5 is a private address"))
        }
    }
}

extension ConfigTests {
    @Test func productsAreDefinedOnceAndReferencedByFolders() throws {
        let configuration = try parse("""
            products:
              business-card-85x55:
                description: Business card
                trim: 85x55mm
                bleed: 3mm
                shape: rounded-rectangle
                corner_radius: 3mm
                profile: pdfx-4
                approval: required
                fixups: [trim.infer]
              sticker: {trim: 50x50mm, shape: circle}
            hotfolders:
              - {name: cards, root: cards, product: business-card-85x55}
              - name: posters
                root: posters
                product: {trim: 420x594mm, pages: 1}
                approval: auto
                fixups: [bleed.scale]
            """)
        #expect(configuration.products.map(\.id) == ["business-card-85x55", "sticker", "posters"])
        let cards = try #require(configuration.hotfolder(named: "cards"))
        // The folder takes the product's sizes and, setting none of its own, its profile, approval and fix-ups.
        #expect(cards.product.id == "business-card-85x55" && cards.product.trim?.description == "85x55mm")
        #expect(cards.product.cornerRadius?.description == "3mm" && cards.product.shape == .roundedRectangle)
        #expect(cards.preflightProfile == "pdfx-4" && cards.approval == .required && cards.fixups == [.trimInfer])
        // An inline product is the folder's own, listed under its name with the folder's settings.
        let posters = try #require(configuration.products.last)
        #expect(posters.spec.id == "posters" && posters.spec.trim?.description == "420x594mm")
        #expect(posters.approval == .auto && posters.fixups == [.bleedScale])
        #expect(configuration.hotfolder(named: "posters")?.product.id == "posters")
        // Reload hands the bridge both lists at once.
        #expect(configuration.orderCatalog.products.count == 3 && configuration.orderCatalog.folders.map(\.product.id) == ["business-card-85x55", "posters"])
    }

    @Test func aFolderSettingOverridesItsProducts() throws {
        let configuration = try parse("""
            products:
              card: {trim: 85x55mm, profile: pdfx-4, approval: required, fixups: [trim.infer]}
            hotfolders:
              - {name: cards, root: cards, product: card, approval: auto, fixups: [], preflight: {profile: basic}}
            """)
        let cards = configuration.hotfolders[0]
        #expect(cards.approval == .auto && cards.fixups == [] && cards.preflightProfile == "basic")
        #expect(configuration.products.map(\.id) == ["card"])
    }

    @Test func productMistakesAreNamedInWords() {
        let found = problems("""
            products:
              "bad id!": {trim: 85x55mm}
              big: {trim: 85x55mm, shape: rounded-rectangle, corner_radius: 30mm, colour: red}
              cards: {trim: 85x55mm}
            hotfolders:
              - {name: cards, root: cards, product: {trim: 90x50mm}}
              - {name: posters, root: posters, product: poster-a2}
            """)
        let text = found.joined(separator: "\n")
        #expect(text.contains("product id \"bad id!\" must be 1 to 100 letters"))
        #expect(text.contains("the corner radius 30mm is more than half the trim's shorter side (85x55mm)"))
        #expect(text.contains("unknown key 'colour' in product 'big'"))
        #expect(text.contains("hot folder 'cards' defines its own product") && text.contains("write 'product: cards'"))
        #expect(text.contains("hot folder 'posters': there is no product 'poster-a2' in 'products'; one of big, cards"))
        #expect(found.allSatisfy { $0.first?.isNumber == true }, "every problem has its line")
    }
}
