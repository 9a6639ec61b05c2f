import Autoencoder
import Collectives
import Foundation
import LinearAlgebra
import TestSupport
import XCTest

/// Training in one process: learning, the communication paths agreeing, checkpoints and resume.
final class TrainerTests: XCTestCase {
    let architecture = Architecture(inputWidth: 40, hidden: [24, 12], bottleneck: 4)
    lazy var data = SyntheticCounts.make(rows: 240, cols: 40, meanNonZeros: 8, clusters: 4, seed: 1)

    func configuration(epochs: Int = 3) -> TrainingConfiguration {
        var config = TrainingConfiguration(architecture: architecture)
        config.epochs = epochs
        config.batchSize = 16
        return config
    }

    func train(_ config: TrainingConfiguration, _ features: FeatureMatrix? = nil) throws -> TrainingResult {
        try Trainer(configuration: config, communicator: LocalCommunicator())
            .train(training: features ?? .sparse(data.rows(0..<200)), validation: .sparse(data.rows(200..<240)))
    }

    func testLossFallsOnPlantedStructure() throws {
        var config = configuration(epochs: 12)
        config.adam = AdamSettings(learningRate: 3e-3)
        let result = try train(config)
        XCTAssertEqual(result.history.map(\.epoch), Array(1...12))
        XCTAssertLessThan(result.history.last!.loss, 0.6 * result.history.first!.loss, "\(result.history)")
        XCTAssertLessThan(result.history.last!.validationLoss!, 0.6 * result.history.first!.validationLoss!)
        let codes = result.model.encode(.sparse(data))
        XCTAssertEqual(codes.rows, 240)
        XCTAssertEqual(codes.cols, 4)
    }

    func testGatherAndAllreducePathsGiveTheSameModel() throws {
        var gather = configuration(epochs: 2), allreduce = configuration(epochs: 2)
        gather.communication = .gather
        allreduce.communication = .allreduce
        for features in [FeatureMatrix.sparse(data.rows(0..<200)), .dense(data.rows(0..<200).densified())] {
            let a = try train(gather, features), b = try train(allreduce, features)
            XCTAssertEqual(a.plan.description, "gather")
            XCTAssertEqual(b.plan.description, "allreduce")
            XCTAssertLessThanOrEqual(maxRelativeDifference(a.model.parameters, b.model.parameters), 1e-5)
        }
    }

    /// One process: the shared path's store is plain memory and its one rank owns every slice, so it
    /// is the gather path's arithmetic exactly.
    func testSharedPathInOneProcessEqualsTheGatherPathExactly() throws {
        var gather = configuration(epochs: 2), shared = configuration(epochs: 2)
        gather.communication = .gather
        shared.communication = .shared
        for features in [FeatureMatrix.sparse(data.rows(0..<200)), .dense(data.rows(0..<200).densified())] {
            let a = try train(gather, features), b = try train(shared, features)
            XCTAssertEqual(b.plan.description, "shared")
            XCTAssertEqual(a.model.parameters, b.model.parameters)
        }
    }

    func testResumeEndsBitIdenticalToAnUninterruptedRun() throws {
        let dir = TestPaths.temporaryDirectory("ae-resume")
        var full = configuration(epochs: 3)
        full.checkpointPath = dir.appendingPathComponent("full.ckpt").path
        let uninterrupted = try train(full)

        var first = configuration(epochs: 2)
        first.checkpointPath = dir.appendingPathComponent("part.ckpt").path
        _ = try train(first)
        var second = configuration(epochs: 3)
        second.checkpointPath = first.checkpointPath
        second.resume = true
        let resumed = try train(second)
        XCTAssertEqual(resumed.resumedAfterEpoch, 2)
        XCTAssertEqual(resumed.model.parameters, uninterrupted.model.parameters)
        XCTAssertEqual(resumed.history.map(\.loss), uninterrupted.history.map(\.loss))
        let a = try CheckpointFile.read(path: full.checkpointPath!), b = try CheckpointFile.read(path: second.checkpointPath!)
        XCTAssertEqual(a.firstMoments, b.firstMoments)
        XCTAssertEqual(a.secondMoments, b.secondMoments)
        XCTAssertEqual(a.header.adamStep, b.header.adamStep)
    }

    /// A deadline only decides how many epochs run: one already past trains exactly one epoch (with its
    /// checkpoint) and gives what `epochs: 1` gives; a distant one trains every configured epoch.
    func testADeadlineEndsTrainingAfterTheLastEpochThatFits() throws {
        let dir = TestPaths.temporaryDirectory("ae-deadline")
        var capped = configuration(epochs: 4)
        capped.checkpointPath = dir.appendingPathComponent("capped.ckpt").path
        let stopped = try Trainer(configuration: capped, communicator: LocalCommunicator())
            .train(training: .sparse(data.rows(0..<200)), deadline: TrainingDeadline(Date(timeIntervalSinceNow: -1)))
        XCTAssertEqual(stopped.history.map(\.epoch), [1])
        XCTAssertEqual(try CheckpointFile.read(path: capped.checkpointPath!).header.epochsDone, 1)
        let one = try Trainer(configuration: configuration(epochs: 1), communicator: LocalCommunicator())
            .train(training: .sparse(data.rows(0..<200)))
        XCTAssertEqual(stopped.model.parameters, one.model.parameters)

        let roomy = try Trainer(configuration: configuration(epochs: 3), communicator: LocalCommunicator())
            .train(training: .sparse(data.rows(0..<200)), deadline: TrainingDeadline(Date(timeIntervalSinceNow: 3600)))
        XCTAssertEqual(roomy.history.map(\.epoch), [1, 2, 3])
    }

    /// Another epoch fits when the slowest so far still ends by the deadline.
    func testAnotherEpochFitsWhenTheSlowestSoFarEndsByTheDeadline() {
        let now = Date()
        let deadline = TrainingDeadline(now.addingTimeInterval(10))
        XCTAssertTrue(deadline.allowsAnotherEpoch(after: [], now: now.addingTimeInterval(20)), "the first epoch always runs")
        XCTAssertTrue(deadline.allowsAnotherEpoch(after: [2, 5, 3], now: now.addingTimeInterval(5)))
        XCTAssertFalse(deadline.allowsAnotherEpoch(after: [2, 5, 3], now: now.addingTimeInterval(5.5)))
        XCTAssertFalse(deadline.allowsAnotherEpoch(after: [1], now: now.addingTimeInterval(9.5)))
    }

    /// Every thread of a training step flushes subnormals: moments planted subnormal (through a
    /// checkpoint) are read as zero, on every path and with the step's work split over two threads, even
    /// when the calling thread started in IEEE mode. Without the mode, an untouched parameter's moment
    /// would stay subnormal (0.9 × 2⁻¹²⁸ per step).
    func testEveryThreadOfTheStepFlushesSubnormals() throws {
        let wide = Architecture(inputWidth: 400, hidden: [64, 48], bottleneck: 4)
        let rows = SyntheticCounts.make(rows: 96, cols: 400, meanNonZeros: 6, clusters: 3, seed: 2)
        let subnormal = Float(sign: .plus, exponent: -128, significand: 1)
        for communication in [CommunicationChoice.gather, .allreduce, .shared] {
            let dir = TestPaths.temporaryDirectory("ae-subnormal")
            var config = TrainingConfiguration(architecture: wide)
            config.epochs = 1
            config.batchSize = 32
            config.threads = 2
            config.communication = communication
            config.checkpointPath = dir.appendingPathComponent("m.ckpt").path
            _ = try Trainer(configuration: config, communicator: LocalCommunicator()).train(training: .sparse(rows))
            var planted = try CheckpointFile.read(path: config.checkpointPath!)
            planted.firstMoments = [Float](repeating: subnormal, count: planted.firstMoments.count)
            planted.secondMoments = [Float](repeating: subnormal, count: planted.secondMoments.count)
            try CheckpointFile.write(planted, to: config.checkpointPath!)
            config.epochs = 2
            config.resume = true
            ComputeThreads.keepSubnormals()
            defer { ComputeThreads.prepareProcess() }
            _ = try Trainer(configuration: config, communicator: LocalCommunicator()).train(training: .sparse(rows))
            let after = try CheckpointFile.read(path: config.checkpointPath!)
            let moments = after.firstMoments + after.secondMoments
            XCTAssertEqual(moments.filter { $0.isSubnormal }.count, 0, "\(communication): subnormal moments survived a step")
            XCTAssertGreaterThan(after.firstMoments.filter { $0 == 0 }.count, wide.inputWidth * 8,
                                 "\(communication): the untouched first-layer rows' moments must be flushed to zero")
        }
    }

    func testCheckpointOfAnotherConfigurationIsRefusedNamingTheSetting() throws {
        let path = TestPaths.temporaryDirectory("ae-refuse").appendingPathComponent("model.ckpt").path
        var config = configuration(epochs: 1)
        config.checkpointPath = path
        _ = try train(config)
        config.adam = AdamSettings(learningRate: 5e-3)
        config.resume = true
        config.epochs = 2
        XCTAssertThrowsError(try train(config)) { error in
            let text = describe(error)
            XCTAssertTrue(text.contains("another configuration") && text.contains("learning rate"), text)
        }
    }

    func testCorruptedOrTruncatedCheckpointIsRefused() throws {
        let path = TestPaths.temporaryDirectory("ae-corrupt").appendingPathComponent("model.ckpt").path
        var config = configuration(epochs: 1)
        config.checkpointPath = path
        _ = try train(config)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        var flipped = good
        flipped[good.count - 100] ^= 0x40
        try flipped.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CheckpointFile.read(path: path)) { XCTAssertTrue(describe($0).contains("checksum mismatch"), describe($0)) }
        config.resume = true
        XCTAssertThrowsError(try train(config)) { XCTAssertTrue(describe($0).contains("checksum mismatch"), describe($0)) }
        try good.prefix(good.count - 4).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CheckpointFile.read(path: path)) { XCTAssertTrue(describe($0).contains("truncated"), describe($0)) }
        var hugeHeader = good
        hugeHeader[11] = 0x7f
        try hugeHeader.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CheckpointFile.read(path: path)) { XCTAssertTrue(describe($0).contains("header length"), describe($0)) }
        try Data("not a checkpoint at all".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CheckpointFile.read(path: path)) { XCTAssertTrue(describe($0).contains("magic"), describe($0)) }
    }

    func testNonFiniteLossStopsTrainingAndKeepsTheLastGoodCheckpoint() throws {
        let path = TestPaths.temporaryDirectory("ae-nan").appendingPathComponent("model.ckpt").path
        var config = configuration(epochs: 1)
        config.checkpointPath = path
        _ = try train(config)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var poisoned = data.rows(0..<200)
        poisoned.values[0] = .infinity
        config.epochs = 2
        config.resume = true
        XCTAssertThrowsError(try train(config, .sparse(poisoned))) { error in
            let text = describe(error)
            XCTAssertTrue(text.contains("the loss became") && text.contains("epoch 2") && text.contains("is kept"), text)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }
}

func maxRelativeDifference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var worst = 0.0
    for (x, y) in zip(a, b) {
        worst = max(worst, Double(abs(x - y)) / max(Double(max(abs(x), abs(y))), 1e-3))
    }
    return worst
}
