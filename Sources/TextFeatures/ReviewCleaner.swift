/// The reference pipeline's review cleaning, on UTF-8 bytes:
/// 1. remove every `<.*?>` match (a `<`, then the nearest `>` with no line feed between them:
///    Python's `.` does not match `\n`);
/// 2. split on whitespace as Python's `str.split()` does (Unicode White_Space plus U+001C–U+001F);
/// 3. drop the words that are in the stop-word list (case-sensitive) and join the rest with single spaces.
public struct ReviewCleaner: Sendable {
    public let stopWords: StopWords

    public init(stopWords: StopWords = .english) {
        self.stopWords = stopWords
    }

    /// The cleaned text of valid UTF-8 `text`.
    public func clean(_ text: [UInt8]) -> [UInt8] {
        let stripped = Self.removeTags(text)
        var output: [UInt8] = []
        output.reserveCapacity(stripped.count)
        stripped.withUnsafeBufferPointer { b in
            var i = 0
            let n = b.count
            while i < n {
                // Skip whitespace, then take one word.
                let width = Self.whitespaceWidth(b, at: i)
                if width > 0 { i += width; continue }
                let start = i
                while i < n && Self.whitespaceWidth(b, at: i) == 0 { i += 1 }
                let word = UnsafeBufferPointer(rebasing: b[start..<i])
                if !stopWords.contains(word) {
                    if !output.isEmpty { output.append(32) }
                    output.append(contentsOf: word)
                }
            }
        }
        return output
    }

    /// Whether `clean` would return an empty text for `stripped` (text whose tags are already
    /// removed): true when every whitespace-separated word is a stop word. Stops at the first word
    /// that is not.
    public func cleansToEmpty(_ stripped: [UInt8]) -> Bool {
        stripped.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let width = Self.whitespaceWidth(b, at: i)
                if width > 0 { i += width; continue }
                let start = i
                while i < b.count && Self.whitespaceWidth(b, at: i) == 0 { i += 1 }
                if !stopWords.contains(UnsafeBufferPointer(rebasing: b[start..<i])) { return false }
            }
            return true
        }
    }

    /// `text` with every `<.*?>` match removed.
    public static func removeTags(_ text: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        text.withUnsafeBufferPointer { b in
            var i = 0
            let n = b.count
            while i < n {
                if b[i] == UInt8(ascii: "<") {
                    var j = i + 1
                    while j < n && b[j] != UInt8(ascii: ">") && b[j] != 10 { j += 1 }
                    if j < n && b[j] == UInt8(ascii: ">") {
                        i = j + 1
                        continue
                    }
                }
                output.append(b[i])
                i += 1
            }
        }
        return output
    }

    /// The byte length of the whitespace character at `i`, or 0 when it is not whitespace.
    @inline(__always)
    static func whitespaceWidth(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let byte = b[i]
        if byte < 0x80 {
            return (byte >= 9 && byte <= 13) || (byte >= 0x1C && byte <= 0x20) ? 1 : 0
        }
        let n = b.count
        switch byte {
        case 0xC2:  // U+0085, U+00A0
            return i + 1 < n && (b[i + 1] == 0x85 || b[i + 1] == 0xA0) ? 2 : 0
        case 0xE1:  // U+1680
            return i + 2 < n && b[i + 1] == 0x9A && b[i + 2] == 0x80 ? 3 : 0
        case 0xE2:  // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
            guard i + 2 < n else { return 0 }
            let second = b[i + 1], third = b[i + 2]
            if second == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF) { return 3 }
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3:  // U+3000
            return i + 2 < n && b[i + 1] == 0x80 && b[i + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }
}
