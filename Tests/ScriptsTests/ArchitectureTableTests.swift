import Foundation
import TestSupport
import XCTest

/// docs/ARCHITECTURE.md's module table stays true to Package.swift: one row per module and test
/// executable, and each row's imports are the module's dependencies in the package.
final class ArchitectureTableTests: XCTestCase {
    /// Target name → the package's own targets it depends on, read from Package.swift.
    private func packageTargets() throws -> [String: Set<String>] {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let starts = try NSRegularExpression(pattern: #"\.(target|executableTarget|systemLibrary|testTarget)\(name: "([^"]+)""#)
        let matches = starts.matches(in: text, range: NSRange(text.startIndex..., in: text))
        var targets: [String: Set<String>] = [:]
        for (i, match) in matches.enumerated() {
            let kind = String(text[Range(match.range(at: 1), in: text)!])
            let name = String(text[Range(match.range(at: 2), in: text)!])
            guard kind != "testTarget", name != "TestSupport" else { continue }
            let end = i + 1 < matches.count ? Range(matches[i + 1].range, in: text)!.lowerBound : text.endIndex
            var body = String(text[Range(match.range, in: text)!.upperBound..<end])
            // Dependencies of other packages are not modules of ours.
            body = body.replacingOccurrences(of: #"\.product\([^)]*\)"#, with: "", options: .regularExpression)
            var dependencies: Set<String> = []
            if let list = body.range(of: #"dependencies: \[[^\]]*\]"#, options: .regularExpression) {
                let quoted = try NSRegularExpression(pattern: #""([^"]+)""#)
                let slice = String(body[list])
                for m in quoted.matches(in: slice, range: NSRange(slice.startIndex..., in: slice)) {
                    dependencies.insert(String(slice[Range(m.range(at: 1), in: slice)!]))
                }
            }
            targets[name] = dependencies
        }
        return targets
    }

    /// Module name → the imports column of its row, read from the table.
    private func documentedModules() throws -> [String: Set<String>] {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        var rows: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let imports = cells[cells.count - 2]
            rows[name] = imports == "—" ? [] : Set(imports.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return rows
    }

    func testEveryModuleHasARowWithItsImports() throws {
        let targets = try packageTargets(), rows = try documentedModules()
        XCTAssertGreaterThan(targets.count, 20, "Package.swift was not read: \(targets.keys.sorted())")
        for (name, dependencies) in targets.sorted(by: { $0.key < $1.key }) {
            guard let documented = rows[name] else {
                XCTFail("docs/ARCHITECTURE.md has no row for \(name)")
                continue
            }
            XCTAssertEqual(documented, dependencies, "the imports of \(name) in docs/ARCHITECTURE.md")
        }
        for name in rows.keys where targets[name] == nil {
            XCTFail("docs/ARCHITECTURE.md describes \(name), which Package.swift does not have")
        }
    }

    func testEveryModuleFolderHasAReadme() throws {
        let sources = TestPaths.packageRoot.appendingPathComponent("Sources")
        for folder in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: sources.appendingPathComponent("\(folder)/README.md").path),
                          "Sources/\(folder) has no README.md")
        }
    }
}
