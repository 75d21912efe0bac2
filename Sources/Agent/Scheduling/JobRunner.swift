import Bridge
import Foundation
import JobStore
import Logging
import Pipeline

/// Drives one job from its current state to the next state that needs nobody (terminal, or waiting for an
/// approval or a file). Every stage's result is durable in the job's workspace before the state advances,
/// so a job interrupted anywhere resumes from its last completed stage.
struct JobRunner: Sendable {
    /// The configuration this run uses; the dispatcher sets the current one before every run.
    var configuration: AgentConfiguration
    let store: any JobStore
    let slots: WorkerSlots
    var worker: WorkerProcess
    let logger: Logger
    var drain = Drain()
    var metrics: AgentMetrics?
    /// This agent among several sharing the store: it runs only the jobs it holds. Nil when alone.
    var node: ClusterNode?
    /// The lease the job being driven is held under: every change this runner makes as the job's holder
    /// carries it (set by `drive` on its own copy).
    private(set) var lease: NodeLease?

    /// This runner with `configuration` (a reload's): its folders, paths and worker limits.
    func using(_ configuration: AgentConfiguration) -> JobRunner {
        var runner = self
        runner.configuration = configuration
        runner.worker.limits = configuration.limits
        return runner
    }

    var finisher: JobFinisher { JobFinisher(store: store, lease: lease) }

    /// How a run ended, as far as the dispatcher cares.
    enum Outcome: Sendable, Equatable {
        /// The job reached a state that needs nobody, or was failed with its reason.
        case settled
        /// Stopped by something outside the job (a full disk, a busy store): run it again, after a pause.
        case retryLater
    }

    @discardableResult
    func drive(_ id: JobID) async -> Outcome {
        var logger = logger
        logger[metadataKey: "job"] = "\(id)"
        var runner = self
        if let node {
            // Among several agents: only the job's holder runs it, from its own claim area.
            do {
                guard try await node.hold(id) else { return .settled }
                runner.lease = node.lease
                if let job = try await store.job(id), let name = job.hotfolder, let folder = configuration.hotfolder(named: name) {
                    try await ClaimHome(node: node, logger: logger).bring(job, folder: folder)
                }
            } catch JobStoreError.notHeld(_, let lease) {
                logger.warning("the job was taken over by another server; this one leaves it as it is", metadata: ["lease": "\(lease)"])
                return .settled
            } catch {
                logger.error("cannot take the job to run it; it tries again later", metadata: ["error": "\(error)"])
                return .retryLater
            }
        }
        return await runner.driveHeld(id, logger: logger)
    }

    private func driveHeld(_ id: JobID, logger: Logger) async -> Outcome {
        var logger = logger
        do {
            while let job = try await store.job(id), job.status.isRunnable {
                guard let name = job.hotfolder, let folder = configuration.hotfolder(named: name) else {
                    logger.warning("job's hot folder is no longer configured; leaving it as it is",
                                   metadata: ["hotfolder": "\(job.hotfolder ?? "-")", "status": "\(job.status.rawValue)"])
                    return .settled
                }
                logger[metadataKey: "hotfolder"] = "\(folder.name)"
                if drain.isDraining { return .retryLater }
                // Stopped because the job was ended while it ran: settle it below.
                if Task.isCancelled { break }
                try await step(job, folder: folder, logger: logger)
            }
            try await settleIfEnded(id, logger: logger)
        } catch let failure as WorkerFailure {
            return await handle(failure, of: id, logger: logger)
        } catch JobStoreError.notHeld(_, let lease) {
            // Taken for dead and rescued by another node meanwhile: what this run did is dropped; the job
            // runs there from its last completed stage.
            logger.warning("the job was taken over by another server; this one stops working on it", metadata: ["lease": "\(lease)"])
        } catch JobStoreError.illegalTransition(_, let from, _) where from == .cancelled || from == .rejected {
            // Cancelled while a stage ran: the stage's result is dropped, the original moved aside.
            try? await settleIfEnded(id, logger: logger)
        } catch let error as FileOperationError where error.isOutOfSpace {
            // Not the file's fault: the job keeps its state and its finished stages, and runs again later.
            logger.error("no space left to write the job's outputs; the job waits and tries again", metadata: ["error": "\(error)"])
            return .retryLater
        } catch {
            logger.error("job stopped by an internal error; it tries again later", metadata: ["error": "\(error)"])
            return .retryLater
        }
        return .settled
    }

    /// What a failed stage means for its job: the file's fault fails it; the machine's fault keeps it for a
    /// retry after a backoff for as long as the fault lasts; an unknown fault retries up to
    /// `limits.max_attempts` times (counted in the store, so restarts do not reset it), then fails it.
    private func handle(_ failure: WorkerFailure, of id: JobID, logger: Logger) async -> Outcome {
        var metadata: Logger.Metadata = ["reason": "\(failure.description)"]
        if let detail = failure.detail { metadata["error"] = "\(detail)" }
        switch failure.verdict {
        case .fail:
            await fail(id, reason: failure.description, logger: logger, metadata: metadata)
            return .settled
        case .waitForMachine:
            logger.error("a fault of the machine stopped the stage; the job keeps its state and tries again", metadata: metadata)
            return .retryLater
        case .retryBounded:
            do {
                let attempts = try await store.recordInternalFailure(id)
                metadata["attempt"] = "\(attempts)"
                guard attempts >= configuration.limits.maxAttempts else {
                    logger.error("the stage failed; the job tries again", metadata: metadata)
                    return .retryLater
                }
                let tries = attempts == 1 ? "once" : "\(attempts) times"
                await fail(id, reason: failure.description + " (tried \(tries))", logger: logger, metadata: metadata)
                return .settled
            } catch {
                logger.error("the stage failed and its attempt cannot be counted; the job tries again",
                             metadata: metadata.merging(["store_error": "\(error)"]) { $1 })
                return .retryLater
            }
        case .resumeLater:
            // Stopped for the agent's stop, or because the job was cancelled or rejected while it ran.
            if drain.isDraining { return .retryLater }
            try? await settleIfEnded(id, logger: logger)
            return .settled
        }
    }

    /// A job ended by a caller (rejected, cancelled) whose original still sits in the claim area.
    private func settleIfEnded(_ id: JobID, logger: Logger) async throws {
        guard let job = try await store.job(id), job.status == .rejected || job.status == .cancelled,
              job.originalsStillClaimed.contains(where: FileOperations.exists),
              let name = job.hotfolder, let folder = configuration.hotfolder(named: name) else { return }
        try await finisher.settle(job, folder: folder, logger: logger)
    }

    /// Advances the job by one transition.
    private func step(_ job: Job, folder: HotFolderConfiguration, logger: Logger) async throws {
        let workspace = JobWorkspace(jobsDirectory: configuration.jobsDirectory, id: job.id)
        let publisher = OutputPublisher(store: store, job: job, folder: folder)
        if job.product.hasParts, PartStages.stages.contains(job.status) {
            try await PartStages(runner: self, job: job, folder: folder, workspace: workspace, publisher: publisher, logger: logger).step()
            return
        }
        // A retried job, or one whose finish was cut short (the original moved out, the terminal state not
        // committed): its original comes back to the claim first.
        try await restoreOriginal(job, requiringIt: job.status == .received)
        switch job.status {
        case .received:
            try FileOperations.createDirectory(workspace.directory)
            // A new revision's stages write where the one before wrote: keep that one's outputs first.
            let revision = job.revision
            try await Blocking.run { try RevisionArchive(workspace: workspace).prepare(for: revision) }
            try await advance(job, to: .preflighting, logger: logger)
        case .preflighting:
            let arguments = try preflightArguments(input: claimedFile(of: job), fileName: job.fileName, sha256: job.sha256,
                                                   product: job.product, into: workspace, job: job, folder: folder)
            try await runStage(.preflight, job: job, folder: folder, arguments: arguments, workspace: workspace)
            let report = try JSONDecoder().decode(PreflightReport.self, from: Data(contentsOf: URL(fileURLWithPath: workspace.report)))
            if report.result != .fail {
                try await advance(job, to: .preflightPassed, detail: "\(report.warningCount) warning(s)", logger: logger)
            } else {
                try await publishReports(publisher, workspace: workspace, job: job, folder: folder)
                let reasons = report.findings.filter { $0.severity == .error }.map(\.message)
                try await finisher.finish(job, as: .preflightFailed, reason: reasons.joined(separator: "\n"), folder: folder, logger: logger)
            }
        case .preflightPassed:
            try await advance(job, to: .proofing, logger: logger)
        case .proofing:
            do {
                let arguments = try proofArguments(input: artwork(of: job, workspace: workspace), fileName: job.fileName,
                                                   product: job.product, externalId: job.externalId, into: workspace, job: job, folder: folder)
                try await runStage(.proof, job: job, folder: folder, arguments: arguments, workspace: workspace)
                try await publishProofs(publisher, workspace: workspace, job: job, folder: folder)
            }
            try await advance(job, to: .proofGenerated, logger: logger)
        case .proofGenerated:
            let approval = job.order.approval ?? folder.approval
            try await advance(job, to: approval == .required ? .awaitingApproval : .producing, logger: logger)
        case .approved:
            try await advance(job, to: .producing, logger: logger)
        case .producing:
            do {
                // An image file was turned into a PDF during proofing; that PDF gets the boxes.
                let input = job.kind == .pdf ? try artwork(of: job, workspace: workspace) : workspace.converted
                try await runStage(.printReady, job: job, folder: folder, arguments: [
                    "--input", input, "--output", workspace.printReady,
                    "--product", try Self.json(job.product), "--marks", folder.marks.rawValue,
                ], workspace: workspace)
                try await publisher.publish(workspace.printReady, as: "print-ready", into: folder.layout.printReady,
                                            name: OutputNaming(folder: folder).stem(for: job) + ".pdf")
            }
            try await publishReports(publisher, workspace: workspace, job: job, folder: folder)
            try await finisher.finish(job, as: .printReady, reason: nil, folder: folder, logger: logger)
        default:
            return
        }
    }

    /// How preflight runs for one file (the job's, or one part's) into `workspace`: the job's profile and
    /// fix-ups, the folder's thresholds, severities and colour settings.
    func preflightArguments(input: String, fileName: String, sha256: String?, product: ProductSpec, into workspace: JobWorkspace,
                            job: Job, folder: HotFolderConfiguration) throws -> [String] {
        var arguments = [
            "--input", input, "--file-name", fileName, "--product", try Self.json(product),
            "--sha256", sha256 ?? "", "--profile", job.order.preflightProfile ?? folder.preflightProfile ?? PreflightProfile.basic.name,
            "--thresholds", try Self.json(folder.preflightThresholds), "--severities", try Self.json(folder.preflightSeverities),
            "--output", workspace.report, "--html", workspace.reportHTML,
            "--fixups", fixups(of: job, folder: folder).map(\.rawValue).joined(separator: ","),
            "--fit-tolerance", String(folder.fitTolerance), "--fixed", workspace.fixed, "--intent", folder.intent.rawValue,
        ]
        if let profile = folder.outputProfile { arguments += ["--output-profile", profile] }
        return arguments
    }

    /// How the proof of one file (the job's, or one part's) is rendered into `workspace`, outlining the
    /// findings of that workspace's report, in the customer's language.
    func proofArguments(input: String, fileName: String, product: ProductSpec, externalId: String?, into workspace: JobWorkspace,
                        job: Job, folder: HotFolderConfiguration) throws -> [String] {
        let fixups = fixups(of: job, folder: folder)
        var arguments = ["--input", input, "--file-name", fileName,
                         "--output", workspace.proofs, "--ppi", "150", "--product", try Self.json(product),
                         "--report", workspace.report, "--converted", workspace.converted,
                         "--generate-bleed", (fixups.contains(.bleedMirror) ? RasterToPDF.BleedGeneration.mirror : .none).rawValue,
                         "--fixups", fixups.map(\.rawValue).joined(separator: ","), "--intent", folder.intent.rawValue]
        if let profile = folder.outputProfile { arguments += ["--output-profile", profile] }
        if let externalId { arguments += ["--external-id", externalId] }
        if let language = job.order.language { arguments += ["--language", language] }
        return arguments
    }

    /// The proof pages, thumbnail and proof sheet into out/proofs, named after the job.
    func publishProofs(_ publisher: OutputPublisher, workspace: JobWorkspace, job: Job, folder: HotFolderConfiguration) async throws {
        let stem = OutputNaming(folder: folder).stem(for: job)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: workspace.proofs)) ?? []
        for file in files.sorted() where !file.hasPrefix(".") {
            let name = file == ProofSet.sheetName ? stem + ".proof.pdf" : stem + "-" + file
            try await publisher.publish(workspace.proofs + "/" + file, as: "proof:" + file, into: folder.layout.proofs, name: name)
        }
    }

    /// The JSON report for machines and the HTML page for operators, side by side in out/reports/.
    func publishReports(_ publisher: OutputPublisher, workspace: JobWorkspace, job: Job,
                                folder: HotFolderConfiguration) async throws {
        try await publisher.publish(workspace.report, as: "report", into: folder.layout.reports,
                                    name: OutputNaming(folder: folder).stem(for: job) + ".report.json")
        if FileOperations.exists(workspace.reportHTML) {
            try await publisher.publish(workspace.reportHTML, as: "report-html", into: folder.layout.reports,
                                        name: OutputNaming(folder: folder).stem(for: job) + ".report.html")
        }
    }

    func runStage(_ stage: WorkerStage, job: Job, folder: HotFolderConfiguration, arguments: [String],
                          workspace: JobWorkspace) async throws {
        try await slots.withSlot(for: folder.name) { [drain, metrics] in
            // A slot freed while stopping must not start a stage that the stop would then cut short.
            if drain.isDraining { throw WorkerFailure.interrupted(stage: stage) }
            let started = ContinuousClock.now
            defer { metrics?.stageFinished(stage.rawValue, folder: folder.name, after: started.duration(to: .now)) }
            try await worker.run(stage, arguments: arguments, workspace: workspace)
        }
    }

    func advance(_ job: Job, to state: JobState, detail: String? = nil, logger: Logger) async throws {
        try await store.transition(job.id, to: state, detail: detail, update: JobUpdate(heldUnder: lease))
        logger.info("job \(state.rawValue)", metadata: ["status": "\(state.rawValue)", "from": "\(job.status.rawValue)"])
    }

    /// Marks the job failed with `reason`, moving its original to error/.
    func fail(_ id: JobID, reason: String, logger: Logger, metadata: Logger.Metadata = [:]) async {
        if !metadata.isEmpty { logger.error("job failed", metadata: metadata) }
        do {
            guard let job = try await store.job(id), job.status.canMove(to: .failed) else { return }
            guard let name = job.hotfolder, let folder = configuration.hotfolder(named: name) else {
                try await store.transition(id, to: .failed, detail: reason, update: JobUpdate(failureReason: reason, heldUnder: lease))
                return
            }
            try await finisher.finish(job, as: .failed, reason: reason, folder: folder, logger: logger)
        } catch JobStoreError.notHeld(_, let lease) {
            logger.warning("the job was taken over by another server; this one leaves it as it is", metadata: ["lease": "\(lease)"])
        } catch {
            logger.error("cannot mark job failed; it resumes at the next start", metadata: ["error": "\(error)", "reason": "\(reason)"])
        }
    }

    /// A retried job's original sits in error/, and a job whose finish was cut short has it in originals/ or
    /// error/: bring it back to the claim area first. When it is nowhere, that is an error only if
    /// `requiringIt` (otherwise the stage that needs it says so).
    private func restoreOriginal(_ job: Job, requiringIt: Bool) async throws {
        guard let claimed = job.claimedPath, !FileOperations.exists(claimed) else { return }
        // Only the holder moves it back; and one that no longer holds the job was taken for dead, and its
        // original moved by the node that took the job over: not missing.
        if let node { try await node.ensureHolds(job.id) }
        guard let current = job.originalPath, current != claimed, FileOperations.exists(current) else {
            if requiringIt { throw Self.missingOriginal(job) }
            return
        }
        try await Blocking.run {
            try FileOperations.createDirectory(FileOperations.parent(of: claimed))
            guard rename(current, claimed) == 0 else { throw FileOperationError.failed("move back", path: current, errno: errno) }
            try FileOperations.sync(FileOperations.parent(of: claimed))
            // The old reason file is ours and now stale; the reason itself stays in the job's history.
            unlink(current + ".reason.txt")
        }
        try await store.recordOriginalPath(job.id, path: claimed)
    }

    /// What proof and print-ready work on: the fixed copy when preflight's fix-ups made one, else the original.
    private func artwork(of job: Job, workspace: JobWorkspace) throws -> String {
        FileOperations.exists(workspace.fixed) ? workspace.fixed : try claimedFile(of: job)
    }

    /// The job's own fix-ups when it named them (API, ticket), else its hot folder's.
    func fixups(of job: Job, folder: HotFolderConfiguration) -> [FixUpID] {
        job.order.fixups ?? folder.fixups
    }

    private func claimedFile(of job: Job) throws -> String {
        guard let claimed = job.claimedPath, FileOperations.exists(claimed) else {
            throw Self.missingOriginal(job)
        }
        return claimed
    }

    /// The original is gone from where the agent keeps it: nothing to retry, and nothing the file did.
    static func missingOriginal(_ job: Job) -> WorkerFailure {
        .reported(WorkerResult(code: .internalError, message: "the original file is missing", retryable: false,
                               detail: "not found: \(job.claimedPath ?? "no claimed path")"), stage: .preflight)
    }

    static func stem(_ fileName: String) -> String {
        let ext = URL(fileURLWithPath: fileName).pathExtension
        return ext.isEmpty ? fileName : String(fileName.dropLast(ext.count + 1))
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
