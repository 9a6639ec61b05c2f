import Foundation

/// The one check of a file the user names (`--input`, `--codes`, `--embedding`, `--labels`, …), made
/// before its format is guessed or its bytes parsed, so that a wrong path is answered as such.
public enum InputFile {
    /// Throws a `FileError` naming `path` when it is missing, a directory, not a regular file (a
    /// device, FIFO or socket), unreadable, or empty. Opens nothing that could block (a FIFO).
    public static func check(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            switch code {
            case ENOENT: throw FileError(path: path, problem: "no such file")
            case ENOTDIR: throw FileError(path: path, problem: "no such file (a part of the path is not a directory)")
            default: throw FileError(path: path, problem: "cannot be read (\(String(cString: strerror(code))))")
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileError(path: path, problem: "is a directory, not a file")
        case S_IFIFO: throw FileError(path: path, problem: "is not a regular file (a FIFO); give a file")
        case S_IFCHR: throw FileError(path: path, problem: "is not a regular file (a character device); give a file")
        case S_IFBLK: throw FileError(path: path, problem: "is not a regular file (a block device); give a file")
        case S_IFSOCK: throw FileError(path: path, problem: "is not a regular file (a socket); give a file")
        default: throw FileError(path: path, problem: "is not a regular file; give a file")
        }
        guard access(path, R_OK) == 0 else {
            throw FileError(path: path, problem: "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard info.st_size > 0 else { throw FileError(path: path, problem: "the file is empty") }
    }
}
