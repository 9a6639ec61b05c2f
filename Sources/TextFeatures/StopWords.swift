import Foundation

/// scikit-learn's English stop-word list (318 words, shipped as the resource
/// `english_stop_words.txt`), with a lookup that allocates nothing.
public struct StopWords: Sendable {
    /// The words, in file order.
    public let words: [String]
    private let lookup: TermTable

    /// The bundled English list.
    public static let english: StopWords = {
        guard let url = Bundle.module.url(forResource: "english_stop_words", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("TextFeatures resource english_stop_words.txt is missing from the bundle")
        }
        return StopWords(text.split(whereSeparator: \.isNewline).map(String.init))
    }()

    /// A list of words.
    public init(_ words: [String]) {
        self.words = words
        var table = TermTable(capacity: words.count)
        for word in words { Array(word.utf8).withUnsafeBufferPointer { _ = table.insert($0) } }
        lookup = table
    }

    /// Whether the UTF-8 bytes are exactly one of the words (case-sensitive).
    public func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        lookup.find(bytes) != nil
    }
}
