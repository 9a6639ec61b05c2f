import LinearAlgebra
import XCTest

/// Subnormals are flushed on every thread that computes: the workers of `ComputeThreads.perform`
/// whatever the caller's mode, and OpenBLAS's pool once `prepareProcess` restarted it.
final class ComputeThreadsTests: XCTestCase {
    /// 2⁻¹²⁷, a subnormal Float.
    let subnormal = Float(sign: .plus, exponent: -127, significand: 1)

    override func tearDown() { ComputeThreads.prepareProcess() }

    func testEveryWorkerFlushesEvenWhenTheCallerDoesNot() {
        ComputeThreads.keepSubnormals()
        XCTAssertFalse(ComputeThreads.flushesSubnormals)
        let x = subnormal
        XCTAssertNotEqual(x * 3, 0, "strict IEEE arithmetic keeps the subnormal product")
        let iterations = 16
        let flags = UnsafeMutableBufferPointer<Bool>.allocate(capacity: iterations)
        let products = UnsafeMutableBufferPointer<Float>.allocate(capacity: iterations)
        defer { flags.deallocate(); products.deallocate() }
        ComputeThreads.perform(iterations: iterations) { i in
            flags[i] = ComputeThreads.flushesSubnormals
            products[i] = x * Float(i + 3)
        }
        XCTAssertEqual(Array(flags), [Bool](repeating: true, count: iterations))
        XCTAssertEqual(Array(products), [Float](repeating: 0, count: iterations), "DAZ reads the subnormal operand as zero")
    }

    func testOpenBLASThreadsFlushOnlyAfterThePoolIsRestartedFromAFlushingThread() {
        let saved = BLAS.threads
        defer { BLAS.threads = saved }
        BLAS.threads = 2
        // Planted: a pool started from a thread in IEEE mode computes subnormals (the check can fail).
        ComputeThreads.keepSubnormals()
        ComputeThreads.restartBLASPool()
        XCTAssertFalse(ComputeThreads.checkFlushing().blasThreads, "a subnormal product must survive in IEEE mode")
        ComputeThreads.prepareProcess()
        let check = ComputeThreads.checkFlushing()
        XCTAssertTrue(check.all, "\(check)")
    }

    /// Every parallel loop of the project goes through `ComputeThreads.perform` (which sets the mode):
    /// no other module starts threads or calls Dispatch's concurrentPerform.
    func testNoComputeLoopBypassesComputeThreads() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" && $0.lastPathComponent != "ComputeThreads.swift" }
        XCTAssertGreaterThan(files.count, 50)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for pattern in ["concurrentPerform", "Thread(", "pthread_create", "DispatchQueue.global"] {
                XCTAssertFalse(text.contains(pattern), "\(file.lastPathComponent) uses \(pattern): run parallel work through ComputeThreads.perform")
            }
        }
    }
}
