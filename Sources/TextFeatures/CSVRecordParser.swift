/// Splits the bytes of one CSV record (no line end) into its fields, as RFC 4180 reads them:
/// a field that starts with a quote runs to the matching quote, with `""` standing for one quote;
/// text after the closing quote is kept (as Python's csv module does); unquoted fields are literal.
public enum CSVRecordParser {
    public static func fields(_ bytes: [UInt8]) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        field.reserveCapacity(bytes.count)
        var quoted = false, atFieldStart = true
        var i = 0
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        bytes.withUnsafeBufferPointer { b in
            while i < b.count {
                let byte = b[i]
                if quoted {
                    // Copy up to the next quote in one go.
                    var end = i
                    while end < b.count && b[end] != quote { end += 1 }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end]))
                    i = end
                    if i + 1 < b.count && b[i + 1] == quote {
                        field.append(quote)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else if byte == comma {
                    fields.append(field)
                    field.removeAll(keepingCapacity: true)
                    atFieldStart = true
                    i += 1
                    continue
                } else if byte == quote && atFieldStart {
                    quoted = true
                } else {
                    field.append(byte)
                }
                atFieldStart = false
                i += 1
            }
        }
        fields.append(field)
        return fields
    }
}
