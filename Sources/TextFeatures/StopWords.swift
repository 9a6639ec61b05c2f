import Foundation

/// scikit-learn's English stop-word list (318 words, shipped as the resource
/// `english_stop_words.txt`), with a lookup that allocates nothing.
public struct StopWords: Sendable {
    /// The words, in file order.
    public let words: [String]
    private let packed: Set<PackedWord>

    /// The bundled English list.
    public static let english: StopWords = {
        guard let url = Bundle.module.url(forResource: "english_stop_words", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("TextFeatures resource english_stop_words.txt is missing from the bundle")
        }
        return StopWords(text.split(whereSeparator: \.isNewline).map(String.init))
    }()

    /// A list of words (each at most 16 UTF-8 bytes).
    public init(_ words: [String]) {
        self.words = words
        packed = Set(words.map { word in
            let bytes = Array(word.utf8)
            precondition(bytes.count <= PackedWord.capacity, "stop word '\(word)' is longer than \(PackedWord.capacity) bytes")
            return bytes.withUnsafeBufferPointer { PackedWord($0)! }
        })
    }

    /// Whether the UTF-8 bytes are exactly one of the words (case-sensitive).
    @inlinable
    public func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let key = PackedWord(bytes) else { return false }
        return containsPacked(key)
    }

    @usableFromInline
    func containsPacked(_ key: PackedWord) -> Bool { packed.contains(key) }
}

/// Up to 16 bytes packed into two words plus the length: a hashable key built without allocating.
@usableFromInline
struct PackedWord: Hashable, Sendable {
    @usableFromInline static let capacity = 16
    @usableFromInline var low: UInt64 = 0
    @usableFromInline var high: UInt64 = 0
    @usableFromInline var length: Int = 0

    @inlinable
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= Self.capacity else { return nil }
        length = bytes.count
        for i in 0..<bytes.count {
            if i < 8 { low |= UInt64(bytes[i]) << (8 * UInt64(i)) } else { high |= UInt64(bytes[i]) << (8 * UInt64(i - 8)) }
        }
    }
}
