import CZlib

/// Encodes 8-bit RGB or RGBA pixels as a PNG file: signature, IHDR, one IDAT holding the zlib
/// stream of all rows (each row prefixed by filter byte 0, "None"), IEND; each chunk carries the
/// CRC-32 of its type and data.
public enum PNG {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG bytes of a `width` × `height` image whose `pixels` hold `channels` (3 = RGB,
    /// 4 = RGBA) bytes per pixel, row by row from the top. Precondition: sizes agree.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(channels == 3 || channels == 4, "PNG.encode: channels must be 3 (RGB) or 4 (RGBA)")
        precondition(width > 0 && height > 0 && pixels.count == width * height * channels,
                     "PNG.encode: \(pixels.count) bytes do not make a \(width)×\(height)×\(channels) image")
        let rowBytes = width * channels
        var filtered = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        filtered.withUnsafeMutableBufferPointer { out in
            pixels.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    // out[y * (rowBytes + 1)] stays 0: filter type None.
                    let destination = out.baseAddress! + y * (rowBytes + 1) + 1
                    destination.update(from: source.baseAddress! + y * rowBytes, count: rowBytes)
                }
            }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, channels == 3 ? 2 : 6, 0, 0, 0]  // bit depth, colour type, deflate, adaptive filters, no interlace
        var file = signature
        file += chunk("IHDR", header)
        file += chunk("IDAT", deflate(filtered))
        file += chunk("IEND", [])
        return file
    }

    /// The zlib stream (RFC 1950) of `bytes` at the default compression level.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(input.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // compressBound guarantees room, so only memory exhaustion could fail here.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// One chunk: length, type, data, CRC-32 over type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(UInt32(crc))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
