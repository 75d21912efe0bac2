import ArgumentParser
import Bridge
import Foundation
import JobStore
import Logging

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List, inspect and retry jobs in the store; purge finished ones.",
        subcommands: [List.self, Show.self, Retry.self, Approve.self, Reject.self, Purge.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, oldest first.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Only jobs in this state (e.g. failed, print_ready).") var status: String?
        @Option(help: "Only jobs of this hot folder.") var hotfolder: String?
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let store = try await openStore(options)
            var statuses: Set<JobState>?
            if let status {
                guard let state = JobState(rawValue: status) else {
                    throw ValidationError("unknown status '\(status)'; one of: \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                statuses = [state]
            }
            let jobs = try await store.jobs(matching: JobFilter(statuses: statuses, hotfolder: hotfolder))
            if json {
                print(try JobJSON.text(of: jobs.map(JobJSON.init)))
            } else {
                for job in jobs {
                    print([job.id.rawValue, job.status.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0),
                           job.hotfolder ?? "-", job.fileName].joined(separator: "  "))
                }
                if jobs.isEmpty { print("no jobs") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job with its history and outputs.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The job id (job_...).") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await openStore(options)
            let jobID = try parseJobID(id)
            guard let job = try await store.job(jobID) else { throw notFound(jobID) }
            let events = try await store.events(of: jobID)
            let outputs = try await store.outputs(of: jobID)
            if json {
                var value = JobJSON(job)
                value.events = events.map(EventJSON.init)
                value.outputs = outputs
                print(try JobJSON.text(of: value))
                return
            }
            print("\(job.id)  \(job.status.rawValue)")
            print("  file:      \(job.fileName) (\(job.sizeBytes ?? 0) bytes, \(job.kind?.rawValue ?? "unknown type"))")
            print("  hotfolder: \(job.hotfolder ?? "-")")
            print("  sha256:    \(job.sha256 ?? "-")")
            if let externalId = job.externalId { print("  external:  \(externalId)") }
            print("  original:  \(job.originalPath ?? "-")")
            if let reason = job.failureReason { print("  reason:    \(reason.replacingOccurrences(of: "\n", with: "\n             "))") }
            for (name, path) in outputs.sorted(by: { $0.key < $1.key }) { print("  output:    \(name) -> \(path)") }
            print("  history:")
            for event in events {
                print("    \(JobJSON.timestamp(event.at))  \(event.from?.rawValue ?? "-") -> \(event.to.rawValue)\(event.detail.map { "  (\($0))" } ?? "")")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a failed job over; the running agent picks it up.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The job id (job_...).") var id: String

        func run() async throws {
            try await requestTransition(of: id, to: .received, detail: "retry requested from the command line",
                                        update: JobUpdate(clearsFailureReason: true), options: options, done: "queued for retry")
        }
    }
}

extension JobsCommand {
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a job's proof; the running agent makes it print-ready.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The job id (job_...).") var id: String

        func run() async throws {
            try await requestTransition(of: id, to: .approved, detail: "approved from the command line",
                                        options: options, done: "approved")
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a job's proof; its original moves to error/ with the reason.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The job id (job_...).") var id: String
        @Option(help: "Why the proof was rejected; kept with the job and written beside the original.") var reason: String

        func run() async throws {
            let configuration = try options.load(checksFilesystem: false)
            let store = try await openStore(options)
            let jobID = try parseJobID(id)
            guard let job = try await store.job(jobID) else { throw notFound(jobID) }
            guard job.status.canMove(to: .rejected),
                  let folder = job.hotfolder.flatMap(configuration.hotfolder(named:)) else {
                StandardError.print(JobStoreError.illegalTransition(jobID, from: job.status, to: .rejected).description)
                throw ExitCode(1)
            }
            try await JobFinisher(store: store).finish(job, as: .rejected, reason: "rejected: \(reason)", folder: folder,
                                                       logger: Logger(label: "hotfolder.cli"))
            print("\(jobID): rejected")
        }
    }
}

extension JobsCommand {
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove finished jobs older than a duration now, with their history, deliveries and workspaces.",
            discussion: """
                What the daily retention sweep does, at once: finished jobs (print_ready, preflight_failed, rejected, failed, \
                cancelled) last changed before --older-than go from the store with their events and deliveries, and their \
                workspaces from the state directory; delivery attempts and idempotency keys go by the config's retention. \
                Files in the hot folders (out/, originals/, error/) are never touched. Safe while the agent runs.
                """)
        @OptionGroup var options: ConfigOption
        @Option(name: .customLong("older-than"), help: "Finished jobs last changed longer ago than this (such as 90d, 12h).")
        var olderThan: String
        @Flag(name: .customLong("dry-run"), help: "Say what would be removed, and remove nothing.") var dryRun = false

        func run() async throws {
            guard let age = DurationParsing.parse(olderThan) else {
                throw ValidationError("--older-than is a duration such as 90d or 12h, not '\(olderThan)'")
            }
            let configuration = try options.load(checksFilesystem: false)
            if configuration.store == .sqlite, !FileManager.default.fileExists(atPath: configuration.databasePath) {
                print("no job store yet: nothing to purge")
                return
            }
            let store = try await StoreOpener.open(options)
            var cutoffs = configuration.retention.cutoffs(at: Date())
            cutoffs.finishedJobsBefore = Date().addingTimeInterval(-age.seconds)
            let report = try await JobPurger(store: store, jobsDirectory: configuration.jobsDirectory).purge(cutoffs, dryRun: dryRun)
            print((dryRun ? "would remove " : "removed ") + report.summary)
            for id in report.jobs.prefix(20) { print("  \(id)") }
            if report.jobs.count > 20 { print("  ... and \(report.jobs.count - 20) more") }
        }
    }
}

/// Moves a job to a state the running agent acts on (it sweeps the store every second); prints the store's
/// refusal and exits 1 when the job cannot make that move now.
private func requestTransition(of id: String, to state: JobState, detail: String, update: JobUpdate = JobUpdate(),
                               options: ConfigOption, done: String) async throws {
    let store = try await openStore(options)
    let jobID = try parseJobID(id)
    var update = update
    update.actor = EventActor(kind: .commandLine, name: ProcessInfo.processInfo.environment["SUDO_USER"] ?? NSUserName())
    do {
        try await store.transition(jobID, to: state, detail: detail, update: update)
        print("\(jobID): \(done)")
    } catch let error as JobStoreError {
        StandardError.print(error.description)
        throw ExitCode(1)
    }
}

private func openStore(_ options: ConfigOption) async throws -> any AgentStore {
    let configuration = try options.load(checksFilesystem: false)
    if configuration.store == .sqlite, !FileManager.default.fileExists(atPath: configuration.databasePath) {
        StandardError.print("no job store at \(configuration.databasePath) yet; start the agent first")
        throw ExitCode(1)
    }
    return try await StoreOpener.open(options)
}

private func parseJobID(_ text: String) throws -> JobID {
    guard let id = JobID(text) else { throw ValidationError("'\(text)' is not a job id (job_ followed by 26 characters)") }
    return id
}

private func notFound(_ id: JobID) -> Error {
    StandardError.print(JobStoreError.notFound(id).description)
    return ExitCode(1)
}
