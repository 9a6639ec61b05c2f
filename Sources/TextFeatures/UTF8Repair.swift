/// Makes text bytes valid UTF-8: each ill-formed sequence becomes U+FFFD (the "maximal subpart"
/// rule, as Python's `errors="replace"`), and the replacements are counted so they can be reported.
public enum UTF8Repair {
    /// `bytes` unchanged when valid, else repaired; and how many replacement characters were inserted.
    public static func repair(_ bytes: [UInt8]) -> (bytes: [UInt8], replacements: Int) {
        if isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil { return (bytes, 0) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var replacements = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                UTF8.encode(scalar) { output.append($0) }
            case .error:
                replacements += 1
                UTF8.encode("\u{FFFD}") { output.append($0) }
            case .emptyInput:
                break loop
            }
        }
        return (output, replacements)
    }

    private static func isASCII(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var any: UInt8 = 0
            for byte in buffer { any |= byte }
            return any < 0x80
        }
    }
}
