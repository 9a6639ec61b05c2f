import Foundation
import TestSupport
import XCTest

/// The stage subcommands record what they rewrote, so a later `run` never skips a stage whose
/// files no longer match its fingerprint.
final class StageSubcommandLedgerTests: XCTestCase {
    private func n2d(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(TestPaths.product("n2d-mpi").path, arguments, timeout: 300)
    }

    func testARunAfterAStageSubcommandRecomputesWhatTheSubcommandChanged() throws {
        let dir = TestPaths.temporaryDirectory("ledger-e2e").path
        let run = ["run", "--input", TestPaths.imdbCSV.path, "--max-rows", "1200", "--epochs", "1", "--hidden", "64,32",
                   "--umap-epochs", "50", "--no-plots", "--output-dir", dir]
        let first = try n2d(run)
        XCTAssertEqual(first.status, 0, first.stderr)

        // `embed` from a foreign matrix rewrites umap.npy: the next run must embed again.
        let foreign = dir + "/foreign.npy"
        try FileManager.default.copyItem(atPath: dir + "/umap.npy", toPath: foreign)
        let embed = try n2d(["embed", "--codes", foreign, "--umap-epochs", "50", "--output-dir", dir])
        XCTAssertEqual(embed.status, 0, embed.stderr)
        let afterEmbed = try n2d(run)
        XCTAssertEqual(afterEmbed.status, 0, afterEmbed.stderr)
        XCTAssertTrue(afterEmbed.stderr.contains("train: skipped"), afterEmbed.stderr)
        XCTAssertFalse(afterEmbed.stderr.contains("embed: skipped"), "umap.npy came from foreign.npy: \(afterEmbed.stderr)")

        // `train` with other settings rewrites codes.npy: the run with the old settings trains again
        // and embeds again, and the one with the new settings then reuses both.
        let train = try n2d(["train", "--input", TestPaths.imdbCSV.path, "--max-rows", "1200", "--epochs", "2", "--hidden", "64,32",
                             "--output-dir", dir])
        XCTAssertEqual(train.status, 0, train.stderr)
        let afterTrain = try n2d(run)
        XCTAssertFalse(afterTrain.stderr.contains("train: skipped"), afterTrain.stderr)
        XCTAssertFalse(afterTrain.stderr.contains("embed: skipped"), afterTrain.stderr)
        let again = try n2d(run)
        XCTAssertTrue(again.stderr.contains("train: skipped") && again.stderr.contains("embed: skipped"), again.stderr)

        // `embed` on the directory's own codes is recorded as made from them: the run reuses it.
        let ownEmbed = try n2d(["embed", "--umap-epochs", "50", "--output-dir", dir])
        XCTAssertEqual(ownEmbed.status, 0, ownEmbed.stderr)
        let afterOwn = try n2d(run)
        XCTAssertTrue(afterOwn.stderr.contains("embed: skipped"), afterOwn.stderr)
    }
}
