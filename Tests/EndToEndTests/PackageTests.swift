import Foundation
import TestFixtures
import Testing

/// The .deb, installed into and removed from a scratch root with dpkg: the files land where the unit and the
/// docs say, the system user is made, and removal leaves nothing but config and state.
@Suite struct PackageTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// dpkg writes files owned by root: the check needs root (as in CI) and dpkg itself.
    static var canInstall: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-deb") }

    static func dpkg(_ root: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProgram("/bin/sh", ["-c", "dpkg --root=\"$0\" --force-script-chrootless --force-depends --force-not-root \"$@\" 2>&1",
                                   root.path] + arguments)
    }

    /// Files below `root`, relative, without dpkg's own database.
    static func files(in root: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue && !path.hasPrefix("var/lib/dpkg") { files.append(path) }
        }
        return files.sorted()
    }

    @Test(.enabled(if: canInstall)) func installingAndRemovingTheDebLeavesOnlyConfigAndUsers() async throws {
        let output = try makeTemporaryDirectory("deb")
        // The debug binary under test stands in for the release build make deb packages.
        let built = try await runProgramOffThePool("/bin/sh", ["-c", "\"$0\" --binary \"$1\" --output \"$2\" --allow-foreign-libraries 2>&1",
                                               Self.repository.appendingPathComponent("scripts/build-deb.sh").path,
                                               RunningAgent.binary, output.path])
        #expect(built.status == 0, "\(built.output)")
        let package = try #require(built.output.split(separator: "\n").last.map(String.init))
        #expect(package.hasSuffix(".deb"))
        let control = try runProgram("dpkg-deb", ["--field", package, "Depends"]).output
        for library in ["libpoppler-glib8", "libcairo2", "libqpdf29", "libinotifytools0", "libcurl4"] {
            #expect(control.contains(library), "Depends lacks \(library)")
        }

        let root = try makeTemporaryDirectory("dpkg-root")
        for directory in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        for file in ["var/lib/dpkg/status", "var/lib/dpkg/available"] {
            FileManager.default.createFile(atPath: root.appendingPathComponent(file).path, contents: nil)
        }
        let installed = try Self.dpkg(root, ["-i", package])
        #expect(installed.status == 0, "\(installed.output)")
        let files = Self.files(in: root)
        for expected in ["usr/bin/hotfolder-agent", "lib/systemd/system/hotfolder-agent.service", "usr/lib/sysusers.d/hotfolder-agent.conf",
                         "etc/hotfolder-agent/hotfolders.yaml", "usr/share/doc/hotfolder-agent/operations.md",
                         "usr/share/doc/hotfolder-agent/folders.conf.example"] {
            #expect(files.contains(expected), "\(expected) not installed: \(files)")
        }
        let passwd = try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8)
        #expect(passwd.contains("hotfolder:x:") && passwd.contains(":/var/lib/hotfolder-agent:/usr/sbin/nologin"))
        let config = try String(contentsOf: root.appendingPathComponent("etc/hotfolder-agent/hotfolders.yaml"), encoding: .utf8)
        #expect(config.contains("state_dir: /var/lib/hotfolder-agent") && config.contains("root: /srv/hotfolders/business-cards"))
        #expect(!config.contains("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "the example secret is not installed")

        let removed = try Self.dpkg(root, ["-r", "hotfolder-agent"])
        #expect(removed.status == 0, "\(removed.output)")
        let accounts = ["etc/.pwd.lock", "etc/group", "etc/gshadow", "etc/passwd", "etc/shadow"]
        #expect(Self.files(in: root) == (accounts + ["etc/hotfolder-agent/hotfolders.yaml"]).sorted())
        let purged = try Self.dpkg(root, ["-P", "hotfolder-agent"])
        #expect(purged.status == 0, "\(purged.output)")
        #expect(Self.files(in: root) == accounts.sorted())
    }

    @Test func installFilesPointsTheUnitAtThePrefix() throws {
        let stage = try makeTemporaryDirectory("stage")
        let result = try runProgram("/bin/sh", ["-c", "make -s -C \"$0\" install-files DESTDIR=\"$1\" PREFIX=/usr/local BINARY=\"$2\" 2>&1",
                                                Self.repository.path, stage.path, RunningAgent.binary])
        #expect(result.status == 0, "\(result.output)")
        let unit = try String(contentsOf: stage.appendingPathComponent("lib/systemd/system/hotfolder-agent.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/hotfolder-agent run --config /etc/hotfolder-agent/hotfolders.yaml"))
        #expect(FileManager.default.isExecutableFile(atPath: stage.appendingPathComponent("usr/local/bin/hotfolder-agent").path))
        #expect(FileManager.default.fileExists(atPath: stage.appendingPathComponent("usr/local/lib/sysusers.d/hotfolder-agent.conf").path))
    }
}
