import LinearAlgebra

/// The wire format of every exchange block of a training step (the gather path's layer inputs and
/// errors, the pooled batches): a header of counts, then sections of integers and floats, all in one
/// `Float` buffer so that one MPI datatype moves it. An integer travels as the bit pattern of its
/// `UInt32` (counts and column indices are below 2³²), never converted to a float value.
struct ExchangeWriter {
    private(set) var floats: [Float]

    /// Starts a block in `reusing`'s storage (emptied, capacity kept).
    init(reusing buffer: [Float] = []) {
        floats = buffer
        floats.removeAll(keepingCapacity: true)
    }

    mutating func integers<S: Sequence>(_ values: S) where S.Element: BinaryInteger {
        floats += values.lazy.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
    }

    mutating func integer<I: BinaryInteger>(_ value: I) { integers(CollectionOfOne(value)) }

    mutating func values<S: Sequence>(_ values: S) where S.Element == Float { floats += values }

    /// A sparse batch: each row's length, the column indices, the values.
    mutating func rows(_ csr: CSRMatrix) {
        integers((0..<csr.rows).lazy.map { csr.nonZeros(inRow: $0) })
        integers(csr.columnIndices)
        values(csr.values)
    }
}

/// Reads a block written by `ExchangeWriter`, section by section.
struct ExchangeReader {
    private(set) var cursor: UnsafePointer<Float>

    init(_ start: UnsafePointer<Float>) { cursor = start }

    /// The next `count` floats (a section of values or of integers, read with `integer(_:at:)`).
    mutating func section(_ count: Int) -> UnsafePointer<Float> {
        defer { cursor += count }
        return cursor
    }

    /// The next integer.
    mutating func integer() -> Int { Self.integer(section(1), at: 0) }

    /// The integer at `index` of an integer section.
    static func integer(_ section: UnsafePointer<Float>, at index: Int) -> Int { integer(section[index]) }

    /// The integer a float of an integer section carries.
    static func integer(_ value: Float) -> Int { Int(value.bitPattern) }
}
