import Bridge
import Foundation
import JobStore
import Logging
import Pipeline

/// The stages of a job whose product has parts (front and back, cover and interior): each part's file is
/// preflighted, proofed and made print-ready on its own, against its own rule, in `parts/<name>/` of the
/// workspace; the job's report, proofs and print-ready file at the top level are then made from the parts'
/// in the product's order, so the API, the proof page and out/ see one job as they see any other.
///
/// Like the single-file stages, each step's results are durable before the state advances, and a step
/// interrupted anywhere is run again whole.
struct PartStages {
    static let stages: Set<JobState> = [.received, .preflighting, .proofing, .producing]

    let runner: JobRunner
    let job: Job
    let folder: HotFolderConfiguration
    let workspace: JobWorkspace
    let publisher: OutputPublisher
    let logger: Logger

    func step() async throws {
        switch job.status {
        case .received:
            try await restoreOriginals()
            try FileOperations.createDirectory(workspace.directory)
            let revision = job.revision
            try await Blocking.run { try RevisionArchive(workspace: workspace).prepare(for: revision) }
            try await runner.advance(job, to: .preflighting, logger: logger)
        case .preflighting:
            try await preflight()
        case .proofing:
            try await proof()
            try await runner.advance(job, to: .proofGenerated, logger: logger)
        case .producing:
            try await produce()
            try await runner.publishReports(publisher, workspace: workspace, job: job, folder: folder)
            try await runner.finisher.finish(job, as: .printReady, reason: nil, folder: folder, logger: logger)
        default:
            return
        }
    }

    /// Every part in the product's order, with its file and what it is checked against.
    private func parts() throws -> [(file: JobPartFile, spec: ProductSpec, workspace: JobWorkspace)] {
        try job.product.partNames.map { name in
            guard let file = job.file(ofPart: name), let spec = job.product.spec(ofPart: name),
                  FileOperations.exists(file.claimedPath) else { throw JobRunner.missingOriginal(job) }
            let own = workspace.part(name)
            try FileOperations.createDirectory(own.directory)
            return (file, spec, own)
        }
    }

    private func preflight() async throws {
        var reports: [(name: String, report: PreflightReport)] = []
        for (file, spec, own) in try parts() {
            let arguments = try runner.preflightArguments(input: file.claimedPath, fileName: file.fileName, sha256: file.sha256,
                                                          product: spec, into: own, job: job, folder: folder)
            try await runner.runStage(.preflight, job: job, folder: folder, arguments: arguments, workspace: own)
            reports.append((file.part, try JSONDecoder().decode(PreflightReport.self, from: Data(contentsOf: URL(fileURLWithPath: own.report)))))
        }
        let report = PreflightReport.combining(reports, product: job.product)
        let (path, html) = (workspace.report, workspace.reportHTML)
        try await Blocking.run {
            try FileOperations.writeDurably(Data(ReportHTML(report: report).render().utf8), to: html)
            try FileOperations.writeDurably(try report.jsonData(), to: path)
        }
        if report.result != .fail {
            try await runner.advance(job, to: .preflightPassed, detail: "\(report.warningCount) warning(s)", logger: logger)
        } else {
            try await runner.publishReports(publisher, workspace: workspace, job: job, folder: folder)
            let reasons = report.findings.filter { $0.severity == .error }.map { ($0.part.map { "\($0): " } ?? "") + $0.message }
            try await runner.finisher.finish(job, as: .preflightFailed, reason: reasons.joined(separator: "\n"), folder: folder, logger: logger)
        }
    }

    /// Each part's proofs, then the job's: pages numbered through the parts, the first part's thumbnail,
    /// one proof sheet of all parts' sheets.
    private func proof() async throws {
        let parts = try parts()
        for (file, spec, own) in parts {
            let arguments = try runner.proofArguments(input: artwork(of: file, in: own), fileName: file.fileName, product: spec,
                                                      externalId: job.externalId.map { $0 + " (" + file.part + ")" }, into: own,
                                                      job: job, folder: folder)
            try await runner.runStage(.proof, job: job, folder: folder, arguments: arguments, workspace: own)
        }
        let sheet = workspace.directory + "/parts/" + ProofSet.sheetName
        try await runner.runStage(.combine, job: job, folder: folder,
                                  arguments: parts.flatMap { ["--input", $0.workspace.proofSheet] } + ["--output", sheet], workspace: workspace)
        let sources = parts.map(\.workspace)
        let destination = workspace
        try await Blocking.run { try Self.assembleProofs(from: sources, sheet: sheet, into: destination) }
        try await runner.publishProofs(publisher, workspace: workspace, job: job, folder: folder)
    }

    /// The job's proofs folder made from the parts' (hard links: the same bytes, no copy), swapped in whole.
    private static func assembleProofs(from parts: [JobWorkspace], sheet: String, into workspace: JobWorkspace) throws {
        let staged = StagedOutput(workspace.proofs)
        try FileOperations.createDirectory(staged.staging)
        func place(_ source: String, as name: String) throws {
            guard link(source, staged.staging + "/" + name) == 0 else { throw FileOperationError.failed("link", path: source, errno: errno) }
        }
        do {
            var offset = 0
            for part in parts {
                var number = 1
                while FileOperations.exists(part.proofPage(number)) {
                    try place(part.proofPage(number), as: "page-\(offset + number).png")
                    number += 1
                }
                offset += number - 1
            }
            if let first = parts.first, FileOperations.exists(first.thumbnail) { try place(first.thumbnail, as: ProofSet.thumbnailName) }
            try place(sheet, as: ProofSet.sheetName)
            try staged.publishDirectory()
        } catch {
            try? FileManager.default.removeItem(atPath: staged.staging)
            throw error
        }
    }

    /// Each part made print-ready against its own rule, then delivered as the product says: one PDF with the
    /// parts in order, or one per part.
    private func produce() async throws {
        let parts = try parts()
        for (file, spec, own) in parts {
            // An image file was turned into a PDF during proofing; that PDF gets the boxes.
            let input = file.kind == .pdf ? artwork(of: file, in: own) : own.converted
            try await runner.runStage(.printReady, job: job, folder: folder, arguments: [
                "--input", input, "--output", own.printReady, "--product", try JobRunner.json(spec), "--marks", folder.marks.rawValue,
            ], workspace: own)
        }
        let stem = OutputNaming(folder: folder).stem(for: job)
        if job.product.output == .separate {
            for (file, _, own) in parts {
                try await publisher.publish(own.printReady, as: "print-ready:" + file.part, into: folder.layout.printReady,
                                            name: stem + "-" + file.part + ".pdf")
            }
            return
        }
        try await runner.runStage(.combine, job: job, folder: folder,
                                  arguments: parts.flatMap { ["--input", $0.workspace.printReady] } + ["--output", workspace.printReady],
                                  workspace: workspace)
        try await publisher.publish(workspace.printReady, as: "print-ready", into: folder.layout.printReady, name: stem + ".pdf")
    }

    /// What proof and print-ready work on: the part's fixed copy when preflight's fix-ups made one.
    private func artwork(of file: JobPartFile, in own: JobWorkspace) -> String {
        FileOperations.exists(own.fixed) ? own.fixed : file.claimedPath
    }

    /// A retried or revised job's part originals sit in error/; each comes back to where it was claimed.
    private func restoreOriginals() async throws {
        for file in job.parts where !FileOperations.exists(file.claimedPath) {
            guard let current = file.originalPath, current != file.claimedPath, FileOperations.exists(current) else {
                throw JobRunner.missingOriginal(job)
            }
            let claimed = file.claimedPath
            try await Blocking.run {
                try FileOperations.createDirectory(FileOperations.parent(of: claimed))
                guard rename(current, claimed) == 0 else { throw FileOperationError.failed("move back", path: current, errno: errno) }
                try FileOperations.sync(FileOperations.parent(of: claimed))
                unlink(current + ".reason.txt")
            }
            try await store.recordPartOriginalPath(job.id, part: file.part, path: claimed)
        }
    }

    private var store: any JobStore { runner.store }
}
