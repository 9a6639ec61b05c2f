import Collectives

/// Label strings to integers, consistently on every rank.
enum LabelEncoding {
    /// The label names seen on any rank (a collective): integers in numeric order when every name is
    /// an integer, else sorted by code point.
    static func names(_ local: Set<String>, world: Communicator) -> [String] {
        var union: [UInt8] = []
        if let all = world.gather(terminated(Array(local)), root: 0) {
            union = terminated(order(Array(Set(split(all)))))
        }
        world.broadcast(&union, root: 0)
        return split(union)
    }

    static func order(_ names: [String]) -> [String] {
        let byText = names.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        guard names.allSatisfy({ Int($0) != nil }) else { return byText }
        return byText.enumerated().sorted { a, b in
            let x = Int(a.element)!, y = Int(b.element)!
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// Each name's UTF-8 followed by a zero byte.
    private static func terminated(_ names: [String]) -> [UInt8] {
        names.flatMap { Array($0.utf8) + [0] }
    }

    private static func split(_ bytes: [UInt8]) -> [String] {
        var names: [String] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == 0 {
            names.append(String(decoding: bytes[start..<i], as: UTF8.self))
            start = i + 1
        }
        return names
    }
}
