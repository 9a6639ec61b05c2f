import COpenBLAS
import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS's compute kernel (its "core"), and the choice of the best one for this CPU.
///
/// OpenBLAS picks its kernel from the CPU when it loads, and a release older than the CPU does not
/// know it and falls back to its oldest kernels (Debian 12's 0.3.21 runs `Prescott`, SSE3, on recent
/// AVX-512 Xeons). The environment variable `OPENBLAS_CORETYPE` overrides the pick, but OpenBLAS reads
/// it in a load-time constructor, before `main`: so `selectBestKernel()` re-executes the program with
/// the variable set when the kernel in use is below what the CPU's features allow. A user's own
/// `OPENBLAS_CORETYPE` is always kept.
public enum BLASKernel {
    /// Instruction-set features of a CPU, as far as they decide OpenBLAS's kernel.
    public struct CPUFeatures: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let avx = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX))
        public static let avx2 = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX2))
        public static let fma = CPUFeatures(rawValue: UInt32(CSYS_CPU_FMA))
        public static let avx512f = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX512F))
        public static let avx512dq = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX512DQ))
        public static let avx512cd = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX512CD))
        public static let avx512bw = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX512BW))
        public static let avx512vl = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX512VL))
        public static let avx512bf16 = CPUFeatures(rawValue: UInt32(CSYS_CPU_AVX512BF16))
        public static let intel = CPUFeatures(rawValue: UInt32(CSYS_CPU_INTEL))
        public static let amd = CPUFeatures(rawValue: UInt32(CSYS_CPU_AMD))

        /// What OpenBLAS's SkylakeX kernels need.
        public static let avx512: CPUFeatures = [.avx512f, .avx512dq, .avx512cd, .avx512bw, .avx512vl]

        /// This machine's CPU (features its operating system enables).
        public static var thisCPU: CPUFeatures { CPUFeatures(rawValue: UInt32(csys_cpu_features())) }
    }

    /// The instruction-set level of OpenBLAS's x86 core names: 0 SSE2/SSE3, 1 AVX, 2 AVX2 + FMA,
    /// 3 AVX-512, 4 AVX-512 with BF16. Names not listed (other architectures) are left alone.
    static let levels: [String: Int] = {
        var table: [String: Int] = [:]
        for name in ["Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Athlon", "Opteron", "Opteron_SSE3",
                     "Barcelona", "Bobcat", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Nano"] { table[name] = 0 }
        for name in ["Sandybridge", "Bulldozer", "Piledriver", "Steamroller", "Excavator"] { table[name] = 1 }
        for name in ["Haswell", "Zen"] { table[name] = 2 }
        table["SkylakeX"] = 3
        for name in ["Cooperlake", "SapphireRapids"] { table[name] = 4 }
        return table
    }()

    /// The best kernel OpenBLAS 0.3.x has for a CPU with `features`, nil when the CPU has no AVX.
    public static func best(for features: CPUFeatures) -> String? {
        if features.isSuperset(of: .avx512) { return features.contains(.avx512bf16) ? "Cooperlake" : "SkylakeX" }
        if features.isSuperset(of: [.avx2, .fma]) { return features.contains(.amd) ? "Zen" : "Haswell" }
        if features.contains(.avx) { return "Sandybridge" }
        return nil
    }

    /// The kernel to run instead of `current` on a CPU with `features`: the best one when `current` is
    /// a known x86 kernel of a lower level, nil when `current` is already as good (or unknown).
    public static func replacement(for current: String, features: CPUFeatures) -> String? {
        guard let level = levels[current], let best = best(for: features), let bestLevel = levels[best],
              bestLevel > level else { return nil }
        return best
    }

    /// The kernel in use in this process ("Haswell", "SkylakeX", "Prescott", …).
    public static var current: String { String(cString: openblas_get_corename()) }

    /// The variable that tells a re-executed process which kernel OpenBLAS had picked.
    static let replacedVariable = "N2D_BLAS_KERNEL_REPLACED"

    /// Re-executes this program with `OPENBLAS_CORETYPE` set to the best kernel when OpenBLAS fell
    /// back to a lower one and the user set no `OPENBLAS_CORETYPE`; returns when nothing needs to
    /// change (or the re-execution failed, which leaves the fallback kernel). Call it first in `main`,
    /// before MPI starts and before any thread.
    public static func selectBestKernel() {
        guard getenv("OPENBLAS_CORETYPE") == nil,
              let better = replacement(for: current, features: .thisCPU) else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(replacedVariable, current, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(replacedVariable)
    }

    /// The kernel a user's `OPENBLAS_CORETYPE` holds OpenBLAS to and the better one this CPU has, when
    /// the variable names a lower level than the CPU's best (nil otherwise): the user's choice stays,
    /// and the job says what it costs.
    public static var heldBack: (current: String, best: String)? {
        guard getenv("OPENBLAS_CORETYPE") != nil, getenv(replacedVariable) == nil,
              let better = replacement(for: current, features: .thisCPU) else { return nil }
        return (current, better)
    }

    /// How the kernel in use was chosen, for `doctor` and the run's config: e.g. "SkylakeX (chosen by
    /// n2d-mpi: OpenBLAS picked Prescott)", "Haswell (OPENBLAS_CORETYPE)", "Zen (OpenBLAS's pick)".
    public static var provenance: String {
        if let replaced = getenv(replacedVariable) {
            return "\(current) (chosen by n2d-mpi: OpenBLAS picked \(String(cString: replaced)))"
        }
        return getenv("OPENBLAS_CORETYPE") != nil ? "\(current) (OPENBLAS_CORETYPE)" : "\(current) (OpenBLAS's pick)"
    }
}
