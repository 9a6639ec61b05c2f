import Clustering
import Collectives
import Evaluation
import Foundation
import LinearAlgebra
import Neighbors
import Randomness
import Storage
import TestSupport
import UMAP
import XCTest

/// `UMAP.transform` (umap-learn 0.5.12's `transform`) on the golden blobs: fit on rows 0..<2400 with
/// umap-learn's settings, transform rows 2400..<3000, compare with umap-learn's transform of the same
/// rows (trustworthiness, KMeans ARI vs the true labels); the layout epochs must improve on the
/// initial weighted means; the bytes do not depend on threads or on how the rows are split; the
/// exact query matches a brute-force loop; one layout epoch moves a point by the expected step.
final class UMAPTransformTests: XCTestCase {
    /// umap-learn's settings: UMAP(n_neighbors=15, min_dist=0.1, n_components=2, random_state=13).
    static var goldenParameters: UMAPParameters {
        var p = UMAPParameters()
        p.neighbors = 15
        p.minDist = 0.1
        p.components = 2
        p.metric = .euclidean
        p.knn = .exact
        p.seed = 13
        return p
    }

    struct Golden {
        var blobs: Matrix, train: Matrix, test: Matrix, trainEmbedding: Matrix, testLabels: [Int]
    }

    /// The golden blobs split and our fit of the training rows (once per process).
    static let golden: Result<Golden, Error> = Result {
        let blobs = try NPY.readMatrix(path: GoldenManifold.url("blobs_3000x10.npy").path)
        let labels = try GoldenManifold.labels("blobs_labels.npy")
        let train = blobs.rows(0..<2400), test = blobs.rows(2400..<3000)
        let fit = try UMAP.fit(codes: train, parameters: goldenParameters, world: LocalCommunicator(), threads: 2)
        return Golden(blobs: blobs, train: train, test: test, trainEmbedding: fit.embedding,
                      testLabels: Array(labels[2400..<3000]))
    }

    func testTransformOfHeldOutBlobsMatchesUMAPLearn() throws {
        let g = try Self.golden.get()
        let trustGolden = try GoldenManifold.value("transform_blobs", "test_trustworthiness_k10")
        let ariGolden = try GoldenManifold.value("transform_blobs", "test_kmeans_ari_vs_truth")
        // How umap-learn's values were made: its transform of the rows, scored the same way here.
        let theirs = try NPY.readMatrix(path: GoldenManifold.url("blobs_transform_test_embedding.npy").path)
        let theirTrust = Trustworthiness.score(original: g.test, embedded: theirs, neighbors: 10, threads: 2)
        let theirARI = ClusteringScores.adjustedRandIndex(
            truth: g.testLabels, predicted: try KMeans(clusters: 8, initializations: 10, seed: 13).fit(points: theirs).labels)

        let start = Date()
        let result = UMAP.transform(g.test, trainingCodes: g.train, trainingEmbedding: g.trainEmbedding,
                                    parameters: Self.goldenParameters, firstRow: 0, threads: 2)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(result.epochs, 100, "umap-learn's rule: 100 epochs for ≤ 10,000 new rows")
        let strongest = result.graph.strongestMembership
        XCTAssertEqual(result.edges, result.graph.memberships.filter { $0 >= strongest / 100 }.count,
                       "edges below max / epochs are pruned")
        XCTAssertEqual(result.embedding.rows, 600)
        XCTAssertTrue(result.embedding.storage.allSatisfy(\.isFinite))
        let trust = Trustworthiness.score(original: g.test, embedded: result.embedding, neighbors: 10, threads: 2)
        let initialTrust = Trustworthiness.score(original: g.test, embedded: result.initial, neighbors: 10, threads: 2)
        let labels = try KMeans(clusters: 8, initializations: 10, seed: 13).fit(points: result.embedding).labels
        let ari = ClusteringScores.adjustedRandIndex(truth: g.testLabels, predicted: labels)
        print("umap transform golden: trustworthiness \(trust) (umap-learn \(trustGolden); their file scored here \(theirTrust)), "
              + "initial means \(initialTrust); KMeans ARI \(ari) (umap-learn \(ariGolden); their file here \(theirARI)); "
              + "\(seconds) s for 600 rows")
        XCTAssertEqual(trust, trustGolden, accuracy: 0.02, "transformed rows' trustworthiness (umap-learn \(trustGolden))")
        XCTAssertGreaterThanOrEqual(ari, ariGolden - 0.02, "KMeans ARI of the transformed rows (umap-learn \(ariGolden))")
        // The layout epochs matter: the points move away from the initial means, and for the better.
        var moved = 0.0
        for x in 0..<result.embedding.storage.count {
            moved = max(moved, Double(abs(result.embedding.storage[x] - result.initial.storage[x])))
        }
        XCTAssertGreaterThan(moved, 0.1, "the epochs must move the new points off their initial means")
        XCTAssertGreaterThan(trust, initialTrust, "the epochs must improve on the initial weighted means")
    }

    func testSameBytesForAnyThreadCountAndAnySplitOfTheRows() throws {
        let g = try Self.golden.get()
        let p = Self.goldenParameters
        let whole = UMAP.transform(g.test, trainingCodes: g.train, trainingEmbedding: g.trainEmbedding,
                                   parameters: p, firstRow: 0, threads: 1)
        let threaded = UMAP.transform(g.test, trainingCodes: g.train, trainingEmbedding: g.trainEmbedding,
                                      parameters: p, firstRow: 0, threads: 3)
        XCTAssertEqual(Self.differing(whole.initial, threaded.initial), 0, "threads 1 and 3: the same initial positions")
        XCTAssertEqual(Self.differing(whole.embedding, threaded.embedding), 0, "threads 1 and 3 must give the same bytes")

        // Two halves as two ranks would run them: the request's totals from one sum and one max.
        let halves = [0..<300, 300..<600]
        let graphs = halves.map { UMAP.transformGraph(g.test.rows($0), trainingCodes: g.train, parameters: p, threads: 2) }
        let mean = graphs.reduce(0.0) { $0 + $1.distanceSum } / Double(600 * p.neighbors)
        let regraphed = graphs.map { $0.withMeanDistance(mean) }
        let strongest = regraphed.map(\.strongestMembership).max()!
        // The staged path a rank takes gives the same rows as the one-call path with the totals.
        let staged = UMAP.transform(graph: regraphed[1], trainingEmbedding: g.trainEmbedding, parameters: p, totalRows: 600,
                                    strongestMembership: strongest, firstRow: 300, threads: 2)
        var joined: [Float] = []
        for (h, range) in halves.enumerated() {
            let part = UMAP.transform(g.test.rows(range), trainingCodes: g.train, trainingEmbedding: g.trainEmbedding,
                                      parameters: p, firstRow: range.lowerBound, threads: 2,
                                      totals: UMAPTransformTotals(rows: 600, meanDistance: mean, strongestMembership: strongest))
            XCTAssertTrue(part.graph == regraphed[h], "half \(h): the graph with the totals")
            joined += part.embedding.storage
            if h == 1 { XCTAssertEqual(Self.differing(staged.embedding, part.embedding), 0, "staged vs one call") }
        }
        XCTAssertEqual(Self.differing(Matrix(rows: 600, cols: 2, storage: joined), whole.embedding), 0,
                       "rows transformed in two halves must equal the rows at once")
    }

    /// How many entries of two matrices differ in their bits.
    static func differing(_ x: Matrix, _ y: Matrix) -> Int {
        guard x.rows == y.rows, x.cols == y.cols else { return max(x.storage.count, y.storage.count) }
        return zip(x.storage, y.storage).filter { $0.bitPattern != $1.bitPattern }.count
    }

    func testQueryMatchesBruteForceAndSigmaSolvesWithRhoZero() {
        var random = SeededGenerator(seed: 5)
        let references = Matrix(rows: 300, cols: 7, storage: (0..<2100).map { _ in random.nextNormalFloat() })
        let queries = Matrix(rows: 37, cols: 7, storage: (0..<259).map { _ in random.nextNormalFloat() })
        let k = 9
        for metric in NeighborMetric.allCases {
            for threads in [1, 3] {
                let found = ExactKNN.query(queries, references: references, k: k, metric: metric, threads: threads)
                for q in 0..<queries.rows {
                    let brute = (0..<references.rows).map { r -> (Double, Int) in
                        let x = queries.row(q).map(Double.init), y = references.row(r).map(Double.init)
                        switch metric {
                        case .euclidean:
                            return (zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot(), r)
                        case .cosine:
                            let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
                            let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
                            return (1 - dot / (nx * ny), r)
                        }
                    }.sorted { $0.0 < $1.0 }
                    XCTAssertEqual(found.indices[q * k..<(q + 1) * k].map(Int.init), brute.prefix(k).map(\.1),
                                   "\(metric) query \(q), threads \(threads)")
                    for j in 0..<k {
                        XCTAssertEqual(Double(found.distances[q * k + j]), brute[j].0, accuracy: 1e-4, "\(metric) distance")
                    }
                }
            }
        }
        // σ with ρ = 0 (local connectivity 0): Σ_{j ≥ 1} exp(−d_j/σ) = log2 k, and no membership is 1.
        var p = UMAPParameters()
        p.neighbors = k
        let graph = UMAP.transformGraph(queries, trainingCodes: references, parameters: p, threads: 1)
        for q in 0..<queries.rows {
            let sum = (1..<k).reduce(0.0) { $0 + exp(-Double(graph.distances[q * k + $1]) / Double(graph.sigmas[q])) }
            XCTAssertEqual(sum, log2(Double(k)), accuracy: 1e-3, "σ of query \(q) with ρ = 0")
            XCTAssertLessThan(graph.memberships[q * k], 1, "ρ = 0: even the nearest neighbour has membership below 1")
            XCTAssertEqual(Double(graph.memberships[q * k + 3]),
                           exp(-Double(graph.distances[q * k + 3]) / Double(graph.sigmas[q])), accuracy: 1e-5)
        }
    }

    func testOneEpochMovesTheNewPointByTheQuarterStepAndLeavesTrainingFixed() {
        // Epochs 6 → 6 / 3 = 2 transform epochs; epoch 0 samples nothing (every period ≥ 1), epoch 1 the
        // strongest edge (period 1) at the initial step learningRate / 4; no negative samples.
        var p = UMAPParameters()
        p.neighbors = 5
        p.epochs = 6
        p.negativeSampleRate = 0
        p.learningRate = 1
        let trainingCodes = Matrix([[0, 0], [0.5, 0], [0, 0.5], [5, 0], [0, 5]])
        let trainingEmbedding = Matrix([[0, 0], [4, 0], [0, 4], [5, 5], [-3, 2]])
        let newCodes = Matrix([[0.1, 0.15]])
        let before = trainingEmbedding
        let result = UMAP.transform(newCodes, trainingCodes: trainingCodes, trainingEmbedding: trainingEmbedding,
                                    parameters: p, firstRow: 0, threads: 1)
        XCTAssertEqual(result.epochs, 2)
        XCTAssertEqual(trainingEmbedding, before)
        let w = result.graph.memberships, idx = result.graph.indices.map(Int.init)
        // Initial position: the membership-weighted mean of the neighbours' embedding.
        for t in 0..<2 {
            let mean = (0..<5).reduce(0.0) { $0 + Double(w[$1]) * Double(trainingEmbedding[idx[$1], t]) } / w.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(Double(result.initial[0, t]), mean, accuracy: 1e-5)
        }
        let strongest = w.indices.max { w[$0] < w[$1] }!
        XCTAssertEqual(result.edges, w.filter { $0 >= w[strongest] / 2 }.count, "edges below max / epochs are pruned")
        XCTAssertLessThan(result.edges, 5, "the pruning must remove the weakest edge here (memberships \(w))")
        let curve = CurveParameters.fit(minDist: p.minDist, spread: p.spread)
        let a = Double(curve.a), b = Double(curve.b)
        let current = (0..<2).map { Double(result.initial[0, $0]) }
        let other = (0..<2).map { Double(trainingEmbedding[idx[strongest], $0]) }
        let squared = zip(current, other).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let coefficient = -2 * a * b * pow(squared, b - 1) / (a * pow(squared, b) + 1)
        for t in 0..<2 {
            let step = min(max(coefficient * (current[t] - other[t]), -4), 4) * Double(p.learningRate) / 4
            XCTAssertEqual(Double(result.embedding[0, t]), current[t] + step, accuracy: 1e-4, "component \(t)")
        }
        // An exact duplicate of a training row (membership 1) starts at that row's position.
        let duplicate = UMAP.transform(trainingCodes.rows(1..<2), trainingCodes: trainingCodes,
                                       trainingEmbedding: trainingEmbedding, parameters: p, firstRow: 0, threads: 1)
        XCTAssertEqual(duplicate.graph.memberships[0], 1)
        XCTAssertEqual(duplicate.initial.row(0), trainingEmbedding.row(1), "an exact duplicate takes its neighbour's position")
        XCTAssertEqual(p.transformEpochCount(rows: 20_000), 2)
        p.epochs = nil
        XCTAssertEqual(p.transformEpochCount(rows: 10_000), 100)
        XCTAssertEqual(p.transformEpochCount(rows: 10_001), 30)
    }
}
