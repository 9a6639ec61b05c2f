import Autoencoder
import Clustering
import Foundation
import Isomap
import LinearAlgebra
import Storage

/// Everything `n2d-mpi predict` needs to place new rows into a run's embedding and clusters: the
/// job's configuration (the text settings, the split), the vocabulary, the autoencoder's weights (no
/// optimiser state), the training codes and their embedding (what the UMAP transform reads), and
/// each fitted clusterer; for an Isomap embedding, its placement of new rows.
public struct N2DModel {
    public var job: JobConfiguration
    public var architecture: Architecture
    public var parameters: [Float]
    /// Text input: the terms in column order.
    public var vocabulary: [String]?
    /// The label names of the training rows (empty without labels).
    public var labelNames: [String]
    /// Rows of the input the model was made from (after `--max-rows`), before splitting.
    public var inputRows: Int
    /// The codes of the training rows and their embedding, in row order.
    public var trainingCodes: Matrix
    public var trainingEmbedding: Matrix
    /// How new rows are placed into an Isomap embedding (nil for UMAP, which places by its transform).
    public var isomapPlacement: IsomapPlacement?
    public var clusters: ClusterAssignments

    public init(job: JobConfiguration, architecture: Architecture, parameters: [Float], vocabulary: [String]?,
                labelNames: [String], inputRows: Int, trainingCodes: Matrix, trainingEmbedding: Matrix,
                isomapPlacement: IsomapPlacement? = nil, clusters: ClusterAssignments) {
        self.job = job
        self.architecture = architecture
        self.parameters = parameters
        self.vocabulary = vocabulary
        self.labelNames = labelNames
        self.inputRows = inputRows
        self.trainingCodes = trainingCodes
        self.trainingEmbedding = trainingEmbedding
        self.isomapPlacement = isomapPlacement
        self.clusters = clusters
    }

    /// The autoencoder as it was trained.
    public var autoencoder: AutoencoderModel { AutoencoderModel(architecture: architecture, parameters: parameters) }
}

/// A model that cannot be used, with what is wrong.
public struct ModelError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "model \(path): \(problem)" }
}

/// `model.n2d`: one versioned, checksummed file. Layout: the 8 bytes `N2DMODEL`, the format version
/// (UInt32, little-endian), the header's length (UInt64), the header (JSON: the configuration, the
/// shapes, and for every section its type, shape, place and checksum), the header's checksum (64-bit
/// FNV-1a, UInt64), then the sections: raw little-endian arrays. A reader checks the magic, refuses a
/// newer format version, checks that the file holds every section it announces (a truncated file)
/// and every checksum (a damaged one) before it trusts a byte.
public enum ModelFile {
    public static let name = "model.n2d"
    static let magic = Array("N2DMODEL".utf8)
    /// The format this n2d-mpi writes.
    public static let formatVersion: UInt32 = 1
    /// Every format this n2d-mpi reads (each kept by a test's model of that version).
    public static let readableVersions: ClosedRange<UInt32> = 1...1

    struct Header: Codable {
        struct Section: Codable {
            var name: String
            /// "f32", "f64", "i64" or "utf8".
            var type: String
            var shape: [Int]
            var offset: Int
            var length: Int
            var checksum: String
        }
        var createdBy: String
        var job: JobConfiguration
        var architecture: Architecture
        var labelNames: [String]
        var inputRows: Int
        var dbscanEps: Float?
        var sections: [Section]
    }

    /// The file's bytes for `model`.
    public static func encode(_ model: N2DModel) throws -> [UInt8] {
        var payload: [UInt8] = []
        var sections: [Header.Section] = []
        func add(_ name: String, _ type: String, _ shape: [Int], _ bytes: [UInt8]) {
            sections.append(Header.Section(name: name, type: type, shape: shape, offset: payload.count, length: bytes.count,
                                           checksum: StageLedger.hash(bytes)))
            payload += bytes
        }
        add("autoencoder.parameters", "f32", [model.parameters.count], bytes(model.parameters))
        if let vocabulary = model.vocabulary { add("vocabulary", "utf8", [vocabulary.count], Array(vocabulary.joined(separator: "\n").utf8)) }
        add("umap.training_codes", "f32", [model.trainingCodes.rows, model.trainingCodes.cols], bytes(model.trainingCodes.storage))
        add("umap.training_embedding", "f32", [model.trainingEmbedding.rows, model.trainingEmbedding.cols],
            bytes(model.trainingEmbedding.storage))
        if let placement = model.isomapPlacement {
            add("isomap.weights", "f64", [placement.components, placement.rows], bytes(placement.weights))
            add("isomap.offsets", "f64", [placement.components], bytes(placement.offsets))
        }
        if let kmeans = model.clusters.kmeans {
            add("kmeans.centroids", "f32", [kmeans.centroids.rows, kmeans.centroids.cols], bytes(kmeans.centroids.storage))
        }
        if let mixture = model.clusters.mixture {
            let (k, d) = (mixture.components, mixture.dims)
            add("gmm.weights", "f64", [k], bytes(mixture.weights))
            add("gmm.means", "f64", [k, d], bytes(mixture.means))
            add("gmm.covariances", "f64", [k, d, d], bytes(mixture.covariances))
        }
        if let dbscan = model.clusters.dbscan {
            add("dbscan.core_points", "f32", [dbscan.corePoints.rows, dbscan.corePoints.cols], bytes(dbscan.corePoints.storage))
            add("dbscan.core_labels", "i64", [dbscan.coreLabels.count], bytes(dbscan.coreLabels.map(Int64.init)))
        }
        let header = Header(createdBy: "n2d-mpi", job: model.job, architecture: model.architecture, labelNames: model.labelNames,
                            inputRows: model.inputRows, dbscanEps: model.clusters.dbscan?.eps, sections: sections)
        let headerBytes = Array(try JobConfiguration.encoder().encode(header))
        var file = magic
        file += bytes(formatVersion)
        file += bytes(UInt64(headerBytes.count))
        file += headerBytes
        file += bytes(UInt64(StageLedger.hash(headerBytes), radix: 16)!)
        return file + payload
    }

    /// Reads the model of directory `directory` (its `model.n2d`).
    public static func read(directory: String) throws -> N2DModel {
        try decode(bytes(directory: directory), path: directory + "/" + name)
    }

    /// The bytes of the model file of `directory`, after the checks that name a wrong directory or a
    /// missing model.
    public static func bytes(directory: String) throws -> [UInt8] {
        let path = directory + "/" + name
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError(path: directory, problem: "is not a directory; --model names the output directory of an n2d-mpi run")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(path: path, problem: "is missing: the directory holds no model (`n2d-mpi run` writes \(name) at its end)")
        }
        return Array(data)
    }

    /// Decodes a model file's bytes; `path` names it in errors.
    public static func decode(_ file: [UInt8], path: String) throws -> N2DModel {
        func fail(_ problem: String) -> ModelError { ModelError(path: path, problem: problem) }
        let fixed = magic.count + 4 + 8
        guard file.count >= magic.count, Array(file[0..<magic.count]) == magic else {
            throw fail("is not an n2d-mpi model (it does not start with N2DMODEL)")
        }
        guard file.count >= fixed else { throw fail("is truncated: it ends inside its header (\(file.count) bytes)") }
        let version: UInt32 = value(file, at: magic.count)
        guard readableVersions.contains(version) else {
            throw fail(version > readableVersions.upperBound
                ? "is of model format \(version), newer than this n2d-mpi reads (up to \(readableVersions.upperBound)); use a newer n2d-mpi"
                : "is of model format \(version), which no n2d-mpi wrote")
        }
        let headerLength = Int(clamping: value(file, at: magic.count + 4) as UInt64)
        guard headerLength <= file.count - fixed - 8 else {
            throw fail("is truncated: its header needs \(headerLength + fixed + 8) bytes, the file has \(file.count)")
        }
        let headerBytes = Array(file[fixed..<fixed + headerLength])
        let headerChecksum: UInt64 = value(file, at: fixed + headerLength)
        guard String(headerChecksum, radix: 16) == StageLedger.hash(headerBytes) else {
            throw fail("is damaged: its header's checksum does not match")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let header: Header
        do { header = try decoder.decode(Header.self, from: Data(headerBytes)) } catch {
            throw fail("has a header this n2d-mpi cannot read (\(error))")
        }
        let payloadStart = fixed + headerLength + 8
        var sections: [String: (Header.Section, ArraySlice<UInt8>)] = [:]
        for s in header.sections {
            let end = payloadStart + s.offset + s.length
            guard s.offset >= 0, s.length >= 0, end <= file.count else {
                throw fail("is truncated: section \(s.name) needs bytes up to \(end), the file has \(file.count)")
            }
            let body = file[(payloadStart + s.offset)..<end]
            guard StageLedger.hash(Array(body)) == s.checksum else { throw fail("is damaged: section \(s.name)'s checksum does not match") }
            let elementSize = ["f32": 4, "f64": 8, "i64": 8, "utf8": 1][s.type] ?? 0
            guard elementSize > 0, s.type == "utf8" || s.shape.reduce(1, *) * elementSize == s.length else {
                throw fail("section \(s.name) does not hold a \(s.type) array of shape \(s.shape)")
            }
            sections[s.name] = (s, body)
        }
        func section(_ name: String) throws -> (Header.Section, ArraySlice<UInt8>) {
            guard let found = sections[name] else { throw fail("lacks its \(name) section") }
            return found
        }
        func floats(_ name: String) throws -> [Float] { array(try section(name).1) }
        func doubles(_ name: String) throws -> [Double] { array(try section(name).1) }
        func matrix(_ name: String) throws -> Matrix {
            let (s, body) = try section(name)
            guard s.shape.count == 2 else { throw fail("section \(name) is not 2-d") }
            return Matrix(rows: s.shape[0], cols: s.shape[1], storage: array(body))
        }
        let parameters = try floats("autoencoder.parameters")
        guard parameters.count == header.architecture.parameterCount else {
            throw fail("holds \(parameters.count) autoencoder parameters; its architecture \(header.architecture) needs \(header.architecture.parameterCount)")
        }
        var clusters = ClusterAssignments()
        if sections["kmeans.centroids"] != nil { clusters.kmeans = KMeansAssignment(centroids: try matrix("kmeans.centroids")) }
        if sections["gmm.weights"] != nil {
            clusters.mixture = MixtureAssignment(weights: try doubles("gmm.weights"), means: try doubles("gmm.means"),
                                                 covariances: try doubles("gmm.covariances"))
        }
        if sections["dbscan.core_points"] != nil, let eps = header.dbscanEps {
            let labels: [Int64] = array(try section("dbscan.core_labels").1)
            clusters.dbscan = DBSCANAssignment(eps: eps, corePoints: try matrix("dbscan.core_points"), coreLabels: labels.map { Int($0) })
        }
        let vocabulary = try sections["vocabulary"].map { _ in
            String(decoding: try section("vocabulary").1, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let codes = try matrix("umap.training_codes"), embedding = try matrix("umap.training_embedding")
        guard codes.rows == embedding.rows, codes.cols == header.architecture.bottleneck else {
            throw fail("its training codes (\(codes.rows) × \(codes.cols)) do not match its embedding (\(embedding.rows) rows) or its bottleneck (\(header.architecture.bottleneck))")
        }
        var placement: IsomapPlacement?
        if sections["isomap.weights"] != nil {
            let (s, _) = try section("isomap.weights")
            let offsets = try doubles("isomap.offsets")
            guard s.shape.count == 2, s.shape[0] == offsets.count, s.shape[0] == embedding.cols, s.shape[1] == codes.rows else {
                throw fail("its Isomap placement (\(s.shape)) does not match its embedding (\(embedding.rows) × \(embedding.cols))")
            }
            placement = IsomapPlacement(components: s.shape[0], rows: s.shape[1], weights: try doubles("isomap.weights"), offsets: offsets)
        }
        return N2DModel(job: header.job, architecture: header.architecture, parameters: parameters, vocabulary: vocabulary,
                        labelNames: header.labelNames, inputRows: header.inputRows, trainingCodes: codes,
                        trainingEmbedding: embedding, isomapPlacement: placement, clusters: clusters)
    }

    /// What a model holds, for `n2d-mpi model info`.
    public static func describe(_ model: N2DModel, path: String) -> String {
        let job = model.job, u = job.umap
        var lines = [
            "model \(path) (format \(formatVersion))",
            "  made by: n2d-mpi \(job.preset.rawValue) preset, seed \(job.seed), input \(job.data.inputName) (\(model.inputRows) rows, test share \(job.data.testSize))",
            "  features: " + (model.vocabulary.map { "\($0.count) terms (bag of words)" } ?? "\(model.architecture.inputWidth) columns"),
            "  autoencoder: \(model.architecture), \(model.parameters.count) parameters, \(job.training.epochs) epochs",
            job.manifold == .umap
                ? "  embedding: UMAP \(model.trainingCodes.rows) training rows, \(u.neighbors) neighbours → \(model.trainingEmbedding.cols) dimensions (min_dist \(u.minDist))"
                : "  embedding: Isomap \(model.trainingCodes.rows) training rows, \(job.isomap.neighbors) neighbours → \(model.trainingEmbedding.cols) dimensions"
                  + (model.isomapPlacement == nil ? " (no placement: predict cannot use it)" : ""),
        ]
        if let k = model.clusters.kmeans { lines.append("  kmeans: \(k.centroids.rows) centroids") }
        if let g = model.clusters.mixture { lines.append("  gmm: \(g.components) full-covariance components") }
        if let d = model.clusters.dbscan {
            lines.append("  dbscan: eps \(d.eps), \(d.corePoints.rows) core points in \(Set(d.coreLabels).count) clusters")
        }
        if !model.labelNames.isEmpty { lines.append("  labels: \(model.labelNames.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }

    private static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
    private static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    private static func value<T: FixedWidthInteger>(_ file: [UInt8], at offset: Int) -> T {
        var v: T = 0
        withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: file[offset..<offset + MemoryLayout<T>.size]) }
        return T(littleEndian: v)
    }

    private static func array<T>(_ body: ArraySlice<UInt8>) -> [T] {
        let count = body.count / MemoryLayout<T>.stride
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            body.withUnsafeBytes { raw in _ = memcpy(buffer.baseAddress!, raw.baseAddress!, count * MemoryLayout<T>.stride) }
            initialized = count
        }
    }
}
