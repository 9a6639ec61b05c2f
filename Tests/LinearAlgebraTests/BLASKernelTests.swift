import LinearAlgebra
import XCTest

/// The choice of OpenBLAS kernel from a CPU's features and the kernel OpenBLAS picked.
final class BLASKernelTests: XCTestCase {
    typealias F = BLASKernel.CPUFeatures
    let intelAVX512: F = [.intel, .avx, .avx2, .fma, .avx512]
    let intelAVX512BF16: F = [.intel, .avx, .avx2, .fma, .avx512, .avx512bf16]
    let amdZen4: F = [.amd, .avx, .avx2, .fma, .avx512, .avx512bf16]
    let amdZen2: F = [.amd, .avx, .avx2, .fma]
    let intelHaswell: F = [.intel, .avx, .avx2, .fma]

    func testBestKernelFollowsTheWidestVectorsTheCPUHas() {
        XCTAssertEqual(BLASKernel.best(for: intelAVX512), "SkylakeX")
        XCTAssertEqual(BLASKernel.best(for: intelAVX512BF16), "Cooperlake")
        XCTAssertEqual(BLASKernel.best(for: amdZen4), "Cooperlake")
        XCTAssertEqual(BLASKernel.best(for: amdZen2), "Zen")
        XCTAssertEqual(BLASKernel.best(for: intelHaswell), "Haswell")
        XCTAssertEqual(BLASKernel.best(for: [.intel, .avx]), "Sandybridge")
        XCTAssertNil(BLASKernel.best(for: [.intel]))
        // AVX-512 foundation alone (Xeon Phi) is not what the SkylakeX kernels need.
        XCTAssertEqual(BLASKernel.best(for: [.intel, .avx, .avx2, .fma, .avx512f, .avx512cd]), "Haswell")
    }

    func testAFallbackKernelIsReplacedByTheBestOne() {
        // Debian 12's OpenBLAS 0.3.21 on a Xeon it does not know (family 6, model 207): Prescott.
        XCTAssertEqual(BLASKernel.replacement(for: "Prescott", features: intelAVX512BF16), "Cooperlake")
        XCTAssertEqual(BLASKernel.replacement(for: "Prescott", features: intelAVX512), "SkylakeX")
        XCTAssertEqual(BLASKernel.replacement(for: "Nehalem", features: amdZen2), "Zen")
        XCTAssertEqual(BLASKernel.replacement(for: "Sandybridge", features: intelHaswell), "Haswell")
        XCTAssertEqual(BLASKernel.replacement(for: "Haswell", features: amdZen4), "Cooperlake")
        XCTAssertEqual(BLASKernel.replacement(for: "Zen", features: intelAVX512), "SkylakeX")
    }

    func testAGoodOrUnknownKernelIsKept() {
        XCTAssertNil(BLASKernel.replacement(for: "SkylakeX", features: intelAVX512))
        XCTAssertNil(BLASKernel.replacement(for: "Cooperlake", features: intelAVX512BF16))
        XCTAssertNil(BLASKernel.replacement(for: "Zen", features: amdZen2))
        XCTAssertNil(BLASKernel.replacement(for: "Haswell", features: amdZen2), "Haswell and Zen are the same level")
        // Never downgrade: a kernel above the features (an emulator hiding flags) stays.
        XCTAssertNil(BLASKernel.replacement(for: "SkylakeX", features: intelHaswell))
        XCTAssertNil(BLASKernel.replacement(for: "Prescott", features: [.intel]))
        XCTAssertNil(BLASKernel.replacement(for: "NEOVERSEN1", features: []), "other architectures are left alone")
    }

    func testThisProcessRunsTheKernelThatProvenanceNames() {
        XCTAssertFalse(BLASKernel.current.isEmpty)
        XCTAssertTrue(BLASKernel.provenance.hasPrefix(BLASKernel.current + " ("), BLASKernel.provenance)
    }
}
