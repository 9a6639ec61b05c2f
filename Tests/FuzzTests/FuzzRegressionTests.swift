import Foundation
import FuzzTargets
import TestSupport
import XCTest

/// Replays every input kept under Tests/Fuzz/corpus/TARGET/ (hostile hand-made files and the
/// findings of Scripts/fuzz.sh): each reader must refuse them with an error, never crash or accept
/// nonsense; and a short in-process fuzz run of every target must finish.
final class FuzzRegressionTests: XCTestCase {
    func testCorpusInputsAreRefusedWithAMessage() throws {
        let corpus = TestPaths.packageRoot.appendingPathComponent("Tests/Fuzz/corpus")
        var replayed = 0
        for (name, target) in FuzzTarget.all {
            let folder = corpus.appendingPathComponent(name)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for file in files.sorted() {
                let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(file)))
                guard case .refused(let message) = target.run(bytes) else {
                    XCTFail("\(name)/\(file) was accepted")
                    continue
                }
                XCTAssertTrue(message.contains("fuzz."), "\(name)/\(file): the message names no file: \(message)")
                replayed += 1
            }
        }
        XCTAssertGreaterThanOrEqual(replayed, 6)
    }

    func testShortMutationRunOfEveryTarget() {
        for (name, target) in FuzzTarget.all {
            var mutator = Mutator(seed: 99)
            let seeds = target.seeds()
            var refused = 0
            for _ in 0..<3000 {
                if case .refused = target.run(mutator.mutate(seeds[mutator.next(seeds.count)], others: seeds)) { refused += 1 }
            }
            XCTAssertGreaterThan(refused, 0, "\(name): mutations never produced an error; the fuzzer is not reaching the checks")
        }
    }
}
