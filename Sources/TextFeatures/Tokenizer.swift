/// scikit-learn's default analyzer before stop words: `text.lower()` then the tokens of
/// `(?u)\b\w\w+\b`, i.e. the maximal runs of two or more word characters of the lowercased text.
///
/// A word character is what Python's `re` calls `\w` for str patterns: a scalar whose general
/// category is a letter (L*) or a number (N*), or `_` (marks and other connector punctuation are not).
/// Lowercasing is Unicode's full mapping (U+0130 becomes "i" + U+0307) with the final-sigma rule, as
/// `str.lower()`. ASCII goes through lookup tables; other scalars are classified once and cached.
public final class Tokenizer {
    private var cache: [UInt32: [LoweredScalar]] = [:]
    /// The token being built; `capacity` bytes, enough for any token of the current text.
    private var token: UnsafeMutablePointer<UInt8>
    private var capacity = 1024

    public init() {
        token = .allocate(capacity: capacity)
    }

    deinit { token.deallocate() }

    /// One scalar of the lowercased text and whether it is a word character.
    private struct LoweredScalar {
        var utf8: [UInt8]
        var isWord: Bool
    }

    /// Calls `body` with each token's lowercased UTF-8 bytes (valid only during the call), in order.
    /// `text` must be valid UTF-8 (see `UTF8Repair`).
    public func forEachToken(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // Lowercasing grows a scalar's UTF-8 at most threefold.
        if capacity < 3 * text.count {
            token.deallocate()
            capacity = 3 * text.count
            token = .allocate(capacity: capacity)
        }
        let token = self.token
        var length = 0
        var tokenScalars = 0
        var i = 0
        let n = text.count
        // Final sigma: whether the last scalar that is not case-ignorable was cased.
        var afterCased = false
        let table = ASCIIClass.table
        @inline(__always) func endToken() {
            if tokenScalars >= 2 { body(UnsafeBufferPointer(start: token, count: length)) }
            length = 0
            tokenScalars = 0
        }
        while i < n {
            let byte = text[i]
            if byte < 0x80 {
                let cls = table[Int(byte)]
                if cls & ASCIIClass.word != 0 {
                    token[length] = cls & ASCIIClass.upper != 0 ? byte | 0x20 : byte
                    length += 1
                    tokenScalars += 1
                } else {
                    endToken()
                }
                if byte != UInt8(ascii: "'") && byte != UInt8(ascii: ".") && byte != UInt8(ascii: ":") && byte != UInt8(ascii: "^") && byte != UInt8(ascii: "`") {
                    afterCased = cls & ASCIIClass.letter != 0
                }
                i += 1
                continue
            }
            let (scalar, width) = Self.decode(text, at: i)
            i += width
            let lowered: [LoweredScalar]
            if scalar == 0x3A3 {
                lowered = [LoweredScalar(utf8: Self.finalSigma(afterCased: afterCased, text: text, from: i) ? [0xCF, 0x82] : [0xCF, 0x83], isWord: true)]
            } else {
                lowered = lowercase(scalar)
            }
            if let properties = Unicode.Scalar(scalar)?.properties, !properties.isCaseIgnorable {
                afterCased = properties.isCased
            }
            for part in lowered {
                if part.isWord {
                    for byte in part.utf8 {
                        token[length] = byte
                        length += 1
                    }
                    tokenScalars += 1
                } else {
                    endToken()
                }
            }
        }
        endToken()
    }

    private func lowercase(_ scalar: UInt32) -> [LoweredScalar] {
        if let known = cache[scalar] { return known }
        let mapped = Unicode.Scalar(scalar).map { $0.properties.lowercaseMapping.unicodeScalars.map { $0 } } ?? []
        let parts = mapped.map { s in LoweredScalar(utf8: Array(String(s).utf8), isWord: Self.isWordCharacter(s)) }
        cache[scalar] = parts
        return parts
    }

    /// Python's `\w` for str patterns.
    public static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// Whether a capital sigma lowercases to the final form: a cased letter before it and none after
    /// it (skipping case-ignorable scalars on both sides).
    private static func finalSigma(afterCased: Bool, text: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        guard afterCased else { return false }
        var i = start
        while i < text.count {
            let (value, width) = decode(text, at: i)
            i += width
            guard let properties = Unicode.Scalar(value)?.properties else { return true }
            if properties.isCaseIgnorable { continue }
            return !properties.isCased
        }
        return true
    }

    /// The scalar starting at `i` of valid UTF-8, and its byte length.
    @inline(__always)
    private static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let lead = UInt32(b[i])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
        if lead < 0xF0 { return ((lead & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3) }
        return ((lead & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F), 4)
    }
}

/// Lookup table for ASCII: word character, upper-case letter, letter.
private enum ASCIIClass {
    static let word: UInt8 = 1, upper: UInt8 = 2, letter: UInt8 = 4
    static let table: [UInt8] = (0..<256).map { value -> UInt8 in
        let c = UInt8(value)
        let upperCase = c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")
        let lowerCase = c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")
        let digit = c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
        var cls: UInt8 = 0
        if upperCase || lowerCase || digit || c == UInt8(ascii: "_") { cls |= word }
        if upperCase { cls |= upper }
        if upperCase || lowerCase { cls |= letter }
        return cls
    }
}
