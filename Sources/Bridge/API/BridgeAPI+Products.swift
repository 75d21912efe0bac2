import Foundation
import Pipeline

extension BridgeAPI {
    func listProducts(_ input: Operations.ListProducts.Input) async throws -> Operations.ListProducts.Output {
        let catalog = configuration.catalog.current
        return .ok(.init(body: .json(.init(products: catalog.products.map { Self.representation(of: $0, folders: catalog.folders) }))))
    }

    func getProduct(_ input: Operations.GetProduct.Input) async throws -> Operations.GetProduct.Output {
        let catalog = configuration.catalog.current
        guard let product = catalog.products.first(where: { $0.id == input.path.productId }) else {
            throw APIError(.notFound, "no product '\(input.path.productId)'; GET /api/v1/products lists them")
        }
        return .ok(.init(body: .json(Self.representation(of: product, folders: catalog.folders))))
    }

    /// Spelled as the config spells the product (lengths with their units), with the folders that take it.
    static func representation(of product: ProductDefinition, folders: [HotfolderDefaults]) -> Components.Schemas.ProductDefinition {
        let spec = JobResource.product(product.spec)
        return Components.Schemas.ProductDefinition(
            id: product.id, description: product.description, trim: spec.trim, bleed: spec.bleed, safety: spec.safety,
            pages: spec.pages, shape: spec.shape, cornerRadius: spec.cornerRadius, dieline: spec.dieline, finishing: spec.finishing,
            parts: spec.parts, output: spec.output.flatMap { .init(rawValue: $0.rawValue) }, profile: product.profile, approval: product.approval.flatMap { .init(rawValue: $0.rawValue) },
            fixups: product.fixups?.map(\.rawValue),
            hotfolders: folders.filter { $0.product.id == product.id }.map(\.name))
    }
}
