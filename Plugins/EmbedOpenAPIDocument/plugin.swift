import Foundation
import PackagePlugin

/// Compiles the target's openapi.yaml into the binary as `openAPIDocument`, so GET /openapi.yaml serves
/// exactly the contract the server was generated from, with no file to install beside the executable.
@main
struct EmbedOpenAPIDocument: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget,
              let document = module.sourceFiles.first(where: { $0.url.lastPathComponent == "openapi.yaml" })?.url else { return [] }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("OpenAPIDocument.swift")
        // A raw string literal with a delimiter no YAML here contains; the shell does the copying.
        let open = "let openAPIDocument = #####" + String(repeating: "\"", count: 3)
        let close = String(repeating: "\"", count: 3) + "#####"
        let script = "{ printf '%s\\n' '\(open)'; cat \"$1\"; printf '\\n%s\\n' '\(close)'; } > \"$2\""
        return [.buildCommand(displayName: "Embedding \(document.lastPathComponent) in \(target.name)",
                              executable: URL(fileURLWithPath: "/bin/sh"),
                              arguments: ["-c", script, "embed", document.path, output.path],
                              inputFiles: [document], outputFiles: [output])]
    }
}
