@testable import Agent
import Bridge
import Foundation
import JobStore
import Pipeline
import TestFixtures
import Testing

@Suite struct OutputNamingTests {
    private func job(_ fileName: String, externalId: String? = nil) -> Job {
        Job(id: .generate(), status: .producing, hotfolder: "cards", fileName: fileName, claimedPath: nil, originalPath: nil,
            sha256: nil, sizeBytes: nil, kind: .pdf, externalId: externalId, product: ProductSpec(), createdAt: Date(), updatedAt: Date())
    }

    private func naming(_ template: String?, _ pattern: String?) -> OutputNaming {
        var folder = HotFolderConfiguration(name: "cards", root: "/r", layout: FolderLayout(root: "/r"), product: ProductSpec(),
                                            preflightProfile: nil, preflightThresholds: [:], preflightSeverities: [:], approval: .auto,
                                            stability: .seconds(2), watch: .auto, pollInterval: .seconds(10), ignore: [],
                                            filenamePattern: pattern, callbackURL: nil, maxConcurrent: 1)
        folder.outputName = template
        return OutputNaming(folder: folder)
    }

    @Test func patternGroupsNameTheOutputs() {
        let naming = naming("{orderReference}-{side}", "^(?<orderReference>[0-9]+)_(?<side>front|back)")
        #expect(naming.stem(for: job("4711_front_final_v3.pdf")) == "4711-front")
        // A name the pattern does not fit keeps its own.
        #expect(naming.stem(for: job("holiday.pdf")) == "holiday")
    }

    @Test func builtInPlaceholdersAndNoTemplate() {
        #expect(naming(nil, nil).stem(for: job("card.pdf")) == "card")
        let named = naming("{externalId}_{name}", nil).stem(for: job("card.v2.pdf", externalId: "ORD-9"))
        #expect(named == "ORD-9_card.v2")
        #expect(naming("{name}", "^(?<x>a)").stem(for: job("a/../b.pdf")) == "a_.._b")
    }

    @Test func configRefusesPlaceholdersThePatternLacks() throws {
        let base = try makeTemporaryDirectory("naming")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("cards"), withIntermediateDirectories: true)
        let yaml = """
            hotfolders:
              - name: cards
                root: cards
                filename_pattern: '^(?<order>[0-9]+)_'
                output_name: '{order}-{colour}'
            """
        do {
            _ = try ConfigLoader().parse(yaml, file: "t.yaml", baseDirectory: base.path)
            Issue.record("an unknown placeholder was accepted")
        } catch {
            guard case .invalid(_, let problems) = error else { Issue.record("\(error)"); return }
            #expect(problems.map(\.description).contains { $0.contains("{colour}") && $0.hasPrefix("5:") })
        }
        let valid = try ConfigLoader().parse(yaml.replacingOccurrences(of: "-{colour}", with: "-{name}"), file: "t.yaml", baseDirectory: base.path)
        #expect(valid.hotfolders.first?.outputName == "{order}-{name}")
    }
}
