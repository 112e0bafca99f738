import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import Shared

/// A `multipart/form-data` body read as it streams in: the one file part goes to a private file
/// on disk (never whole into memory), the other parts are short text fields. Limits are checked
/// as bytes arrive, so an oversized upload is refused (413) without being stored.
struct MultipartUpload {
    var fields: [String: String] = [:]
    var fileName: String?
    var filePath: String?
    var fileBytes = 0

    static let maximumFieldBytes = 256 * 1024

    /// Reads the request into `directory/<random>.upload` (0600). The caller removes the file.
    static func read(
        _ request: Request,
        fileField: String,
        allowedFields: Set<String>,
        maximumFileBytes: Int,
        directory: String
    ) async throws -> MultipartUpload {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = Self.boundary(contentType)
        else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "Send the file as multipart/form-data.")
        }
        let state = UploadState(
            fileField: fileField,
            allowedFields: allowedFields,
            maximumFileBytes: maximumFileBytes,
            directory: directory
        )
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { buffer in state.body(&buffer) }
        parser.onPartComplete = { state.partComplete() }
        do {
            for try await buffer in request.body {
                do {
                    try parser.execute(buffer)
                } catch {
                    throw APIError(.badRequest, "malformed_multipart", "The form data cannot be read.")
                }
                if let failure = state.failure { throw failure }
            }
            if let failure = state.failure { throw failure }
            guard state.closedParts > 0, state.partOpen == false else {
                throw APIError(.badRequest, "malformed_multipart", "The form data ends before its last part does.")
            }
        } catch {
            state.discard()
            throw error
        }
        return state.upload
    }

    /// Removes uploads a killed process left behind (at start, before any request).
    static func removeLeftovers(in directory: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.hasSuffix(".upload") {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// The `boundary` parameter of a Content-Type, quoted or not.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value =
                pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return (1...70).contains(value.count) ? value : nil
        }
        return nil
    }
}

/// The parser's callbacks write here; one request, one task.
private final class UploadState {
    let fileField: String
    let allowedFields: Set<String>
    let maximumFileBytes: Int
    let directory: String
    var upload = MultipartUpload()
    var failure: APIError?
    var closedParts = 0
    var partOpen = false

    private var name: String?
    private var isFile = false
    private var text: [UInt8] = []
    private var handle: FileHandle?
    private var otherBytes = 0

    init(fileField: String, allowedFields: Set<String>, maximumFileBytes: Int, directory: String) {
        self.fileField = fileField
        self.allowedFields = allowedFields
        self.maximumFileBytes = maximumFileBytes
        self.directory = directory
    }

    func header(_ name: String, _ value: String) {
        self.partOpen = true
        guard self.failure == nil, name.lowercased() == "content-disposition" else { return }
        let parameters = Self.parameters(value)
        self.name = parameters["name"]
        self.isFile = self.name == self.fileField
        if self.isFile {
            guard self.upload.filePath == nil else {
                self.failure = APIError(.badRequest, "invalid_upload", "Send one file at a time.")
                return
            }
            self.upload.fileName = parameters["filename"].map { ($0 as NSString).lastPathComponent }
            let path = self.directory + "/" + UUID().uuidString + ".upload"
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                let handle = FileHandle(forWritingAtPath: path)
            else {
                self.failure = APIError(
                    .internalServerError,
                    "upload_failed",
                    "The file could not be stored for reading."
                )
                return
            }
            self.upload.filePath = path
            self.handle = handle
        } else if let name = self.name, !self.allowedFields.contains(name) {
            self.failure = APIError(
                .badRequest,
                "invalid_upload",
                "The form has a field \"\(name.prefix(64))\" this endpoint does not take.",
                details: ["allowed": .array(([self.fileField] + self.allowedFields.sorted()).map(JSONValue.string))]
            )
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        guard self.failure == nil else { return }
        if self.isFile {
            self.upload.fileBytes += buffer.readableBytes
            guard self.upload.fileBytes <= self.maximumFileBytes else {
                self.failure = APIError(
                    .contentTooLarge,
                    "too_large",
                    "The file is larger than \(self.maximumFileBytes / 1024 / 1024) MB."
                )
                return
            }
            do {
                try self.handle?.write(contentsOf: buffer.readableBytesView)
            } catch {
                self.failure = APIError(
                    .internalServerError,
                    "upload_failed",
                    "The file could not be stored for reading."
                )
            }
        } else {
            self.otherBytes += buffer.readableBytes
            guard self.otherBytes <= MultipartUpload.maximumFieldBytes else {
                self.failure = APIError(.contentTooLarge, "too_large", "The form's fields are too long.")
                return
            }
            self.text.append(contentsOf: buffer.readableBytesView)
        }
    }

    func partComplete() {
        self.partOpen = false
        self.closedParts += 1
        guard self.failure == nil else { return }
        if self.isFile {
            try? self.handle?.close()
            self.handle = nil
        } else if let name = self.name {
            guard let value = String(validating: self.text, as: UTF8.self) else {
                self.failure = APIError(.badRequest, "invalid_upload", "The form field \(name) is not UTF-8 text.")
                return
            }
            self.upload.fields[name] = value
        }
        self.text.removeAll()
        self.name = nil
        self.isFile = false
    }

    func discard() {
        try? self.handle?.close()
        if let path = self.upload.filePath { try? FileManager.default.removeItem(atPath: path) }
    }

    /// `form-data; name="file"; filename="Investors-Grid view.csv"` → its parameters.
    static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(value)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop(while: { $0 == " " })
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var parsed = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        parsed.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        parsed.append(character)
                    }
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parsed = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            result[key] = parsed
        }
        return result
    }
}
