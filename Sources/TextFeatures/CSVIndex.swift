import Foundation

/// Where each record of an RFC 4180 CSV file lies, found in one streaming pass.
///
/// The scan reads the file in fixed-size chunks and tracks quoting, so commas, quotes (doubled) and
/// newlines inside quoted fields are part of the field. Records end at LF or CRLF outside quotes; a
/// UTF-8 byte-order mark at the start is skipped; blank lines are skipped. The first record is the
/// header; every other record must have as many fields as the header. Memory: 24 bytes per record.
public struct CSVIndex: Sendable {
    /// One data record: its bytes are `offset..<offset + length` of the file (without the line end).
    public struct Record: Sendable, Equatable {
        public var offset: Int64
        public var length: Int32
        /// The physical line (1-based) the record starts on.
        public var line: Int32
    }

    public let path: String
    /// The header's field names, in file order.
    public let columns: [String]
    /// The data records (the header excluded), in file order.
    public let records: [Record]

    /// Scans `path`. `maxRecords` stops after that many data records. Throws `CSVError` for a missing,
    /// unreadable or empty file, an unterminated quoted field (naming the line it opens on), or a
    /// record whose field count differs from the header's.
    public init(path: String, maxRecords: Int? = nil, chunkSize: Int = 1 << 20) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CSVError(path: path, line: nil, problem: "cannot open the file (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var scanner = Scanner(path: path, maxRecords: maxRecords)
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var fileOffset: Int64 = 0
        while !scanner.finished {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVError(path: path, line: nil, problem: "read failed (\(String(cString: strerror(errno))))")
            }
            if n == 0 { break }
            try chunk.withUnsafeBufferPointer { try scanner.consume(UnsafeBufferPointer(rebasing: $0[0..<n]), at: fileOffset) }
            fileOffset += Int64(n)
        }
        try scanner.finish(fileLength: fileOffset)
        guard let header = scanner.header else {
            throw CSVError(path: path, line: nil, problem: "the file is empty (expected a header line naming the columns)")
        }
        let headerBytes = try Self.readBytes(fd: fd, path: path, header)
        columns = CSVRecordParser.fields(headerBytes).map { String(decoding: $0, as: UTF8.self) }
        records = scanner.records
    }

    /// The index of the column named `name`; the error lists the columns found.
    public func column(named name: String) throws -> Int {
        if let index = columns.firstIndex(of: name) { return index }
        let found = columns.map { "'\($0)'" }.joined(separator: ", ")
        throw CSVError(path: path, line: 1, problem: "no column named '\(name)' in the header; the columns are \(found)")
    }

    /// Reads the fields of the data records at `indices` (in that order) and hands each to `body`
    /// with its position in `indices`. Reads only those records' bytes.
    public func readRecords(_ indices: [Int], _ body: (Int, Record, [[UInt8]]) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CSVError(path: path, line: nil, problem: "cannot open the file (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        for (position, index) in indices.enumerated() {
            let record = records[index]
            try body(position, record, CSVRecordParser.fields(try Self.readBytes(fd: fd, path: path, record)))
        }
    }

    private static func readBytes(fd: Int32, path: String, _ record: Record) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(record.length))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(record.offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw CSVError(path: path, line: Int(record.line), problem: "the file changed or cannot be read while loading")
            }
            done += n
        }
        return bytes
    }
}

/// The byte-level state machine behind `CSVIndex`.
private struct Scanner {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    let path: String
    let maxRecords: Int?
    var state = State.fieldStart
    var line: Int32 = 1
    var recordStart: Int64 = 0
    var recordLine: Int32 = 1
    var quoteLine: Int32 = 1
    var fields = 1
    var expectedFields = 0
    var pendingCR = false
    var atFileStart = true
    var header: CSVIndex.Record?
    var records: [CSVIndex.Record] = []
    var finished = false

    init(path: String, maxRecords: Int?) {
        self.path = path
        self.maxRecords = maxRecords
    }

    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>, at base: Int64) throws {
        var i = 0
        if atFileStart {
            atFileStart = false
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                i = 3
                recordStart = 3
            }
        }
        let n = bytes.count
        while i < n && !finished {
            let byte = bytes[i]
            switch state {
            case .quoted:
                // Jump to the closing quote, counting the line feeds on the way.
                let rest = n - i
                let found = memchr(bytes.baseAddress! + i, Int32(UInt8(ascii: "\"")), rest)
                let end = found.map { bytes.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? n
                var feeds: Int32 = 0
                for k in i..<end where bytes[k] == 10 { feeds += 1 }
                line += feeds
                if end == n {
                    i = n
                    continue
                }
                state = .quoteInQuoted
                i = end
            case .quoteInQuoted:
                if byte == UInt8(ascii: "\"") {
                    state = .quoted
                } else {
                    state = .unquoted
                    try separatorOrEnd(byte, at: base + Int64(i))
                }
            case .fieldStart:
                if byte == UInt8(ascii: "\"") {
                    state = .quoted
                    quoteLine = line
                } else {
                    state = .unquoted
                    try separatorOrEnd(byte, at: base + Int64(i))
                }
            case .unquoted:
                try separatorOrEnd(byte, at: base + Int64(i))
            }
            i += 1
        }
    }

    /// Handles a byte outside quotes: a comma starts a field, LF ends the record.
    private mutating func separatorOrEnd(_ byte: UInt8, at offset: Int64) throws {
        if byte == UInt8(ascii: ",") {
            fields += 1
            state = .fieldStart
            pendingCR = false
        } else if byte == 10 {
            try endRecord(at: pendingCR ? offset - 1 : offset)
            line += 1
            recordStart = offset + 1
            recordLine = line
        } else {
            pendingCR = byte == 13
        }
    }

    private mutating func endRecord(at end: Int64) throws {
        let length = end - recordStart
        defer {
            fields = 1
            state = .fieldStart
            pendingCR = false
        }
        if length == 0 && fields == 1 { return }  // blank line
        guard length <= Int64(Int32.max) else {
            throw CSVError(path: path, line: Int(recordLine), problem: "record longer than 2 GiB")
        }
        let record = CSVIndex.Record(offset: recordStart, length: Int32(length), line: recordLine)
        if header == nil {
            header = record
            expectedFields = fields
            return
        }
        guard fields == expectedFields else {
            throw CSVError(path: path, line: Int(recordLine),
                           problem: "expected \(expectedFields) fields as in the header, found \(fields)")
        }
        records.append(record)
        if let maxRecords, records.count >= maxRecords { finished = true }
    }

    mutating func finish(fileLength: Int64) throws {
        guard !finished else { return }
        if state == .quoted {
            throw CSVError(path: path, line: Int(quoteLine), problem: "unterminated quoted field (the quote opens on this line and never closes)")
        }
        try endRecord(at: pendingCR ? fileLength - 1 : fileLength)
    }
}
