import Foundation
import JobStore
import Pipeline

/// A job request after its checks: the hot folder it runs in and the product with that folder's defaults.
struct ValidatedJobRequest: Sendable {
    var hotfolder: String
    var externalId: String?
    var product: ProductSpec
    var order: JobOrder
}

/// Checks what the generated server does not (lengths, names that must exist, lengths with units) and
/// names the field at fault.
struct JobRequestValidation {
    let configuration: BridgeConfiguration

    func validate(_ request: Components.Schemas.JobRequest) throws(APIError) -> ValidatedJobRequest {
        let catalogued = try catalogueProduct(request.productId)
        // A product's own folder when the request names none: its outputs land where the shop expects them.
        let folderName = request.hotfolder
            ?? catalogued.flatMap { product in configuration.hotfolders.first { $0.product.id == product.id }?.name }
        guard let folder = configuration.hotfolder(named: folderName) else {
            if configuration.hotfolders.isEmpty { throw APIError.invalid("hotfolder", "this agent has no hot folders configured") }
            throw APIError.invalid("hotfolder", "unknown hot folder '\(request.hotfolder ?? "")'; one of: "
                                   + configuration.hotfolders.map(\.name).joined(separator: ", "))
        }
        if let externalId = request.externalId, !(1...200).contains(externalId.count) {
            throw APIError.invalid("externalId", "externalId must have 1 to 200 characters")
        }
        if let profile = request.profile, PreflightProfile.named(profile) == nil {
            throw APIError.invalid("profile", "unknown preflight profile '\(profile)'; one of: "
                                   + PreflightProfile.all.map(\.name).joined(separator: ", "))
        }
        if let url = request.callbackUrl {
            if url.count > 2000 { throw APIError.invalid("callbackUrl", "callbackUrl has at most 2000 characters") }
            if let refusal = configuration.callbackHosts.refusal(for: url) {
                throw APIError.invalid("callbackUrl", "callbackUrl cannot be used: \(refusal)")
            }
        }
        if let language = request.language, !(1...35).contains(language.count) {
            throw APIError.invalid("language", "language must be a BCP 47 tag such as en or de-CH")
        }
        let metadata = request.metadata?.additionalProperties ?? [:]
        guard metadata.count <= 50, metadata.allSatisfy({ $0.key.count <= 100 && $0.value.count <= 2000 }) else {
            throw APIError.invalid("metadata", "metadata takes at most 50 keys of up to 100 characters, values up to 2000")
        }
        var fixups: [FixUpID]?
        if let names = request.fixups {
            do { fixups = try FixUpID.parse(names.map(\.rawValue)) } catch { throw APIError.invalid("fixups", error.description) }
        }
        var ordered = try product(request.product)
        ordered.id = nil
        // A catalogue product is the whole order: the folder's own product does not leak into it.
        let base = catalogued?.spec ?? folder.product
        if let problem = base.overridden(by: ordered).shapeProblem { throw APIError.invalid("product.cornerRadius", problem) }
        if let problem = base.overridden(by: ordered).partsProblem { throw APIError.invalid("product.parts", problem) }
        return ValidatedJobRequest(
            hotfolder: folder.name, externalId: request.externalId, product: base.overridden(by: ordered),
            order: JobOrder(approval: request.approval.flatMap { ApprovalPolicy(rawValue: $0.rawValue) } ?? catalogued?.approval,
                            preflightProfile: request.profile ?? catalogued?.profile, language: request.language,
                            callbackURL: request.callbackUrl, fixups: fixups ?? catalogued?.fixups, metadata: metadata))
    }

    private func catalogueProduct(_ id: String?) throws(APIError) -> ProductDefinition? {
        guard let id else { return nil }
        guard let product = configuration.product(withID: id) else {
            let known = configuration.products.map(\.id)
            let list = known.isEmpty ? "this agent has no products configured"
                : "see GET /api/v1/products; for example " + known.prefix(10).joined(separator: ", ")
            throw APIError.invalid("productId", "unknown product '\(id)'; \(list)")
        }
        return product
    }

    /// Decoded with ProductSpec's own rules, the same as for tickets and config.
    private func product(_ product: Components.Schemas.Product?) throws(APIError) -> ProductSpec {
        guard let product else { return ProductSpec() }
        do {
            return try JSONDecoder().decode(ProductSpec.self, from: JSONEncoder().encode(product))
        } catch let DecodingError.dataCorrupted(context) {
            let field = (["product"] + context.codingPath.map(\.stringValue)).joined(separator: ".")
            throw APIError.invalid(field, "\(field): \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context) {
            let field = (["product"] + context.codingPath.map(\.stringValue)).joined(separator: ".")
            throw APIError.invalid(field, "\(field): \(context.debugDescription)")
        } catch {
            throw APIError.invalid("product", "the product cannot be read")
        }
    }
}
