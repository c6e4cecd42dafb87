#if canImport(Glibc)
import Glibc
#endif
import JSON
import Platform
import Store

/// `authd user import FILE|-`: users from Django's `manage.py dumpdata auth.user` (JSON), with their primary keys
/// and password hashes as they are, so existing SimpleJWT tokens (which carry `user_id`) keep naming the same user.
enum UserImportCommand {
    static func run(_ scanner: ArgumentScanner, _ context: CommandContext) throws(CLIError) {
        let source = try scanner.positionals(2, usage: "authd user import FILE|-   (a Django dumpdata auth.user file)")[1]
        let users = try DjangoUserDump.parse(try readAll(source))
        let store = try context.store()
        defer { store.close() }
        var failures = 0
        for (id, user) in users {
            do {
                _ = try StoreCall.wait { store.importUser(user, id: id, completion: $0) }
                print("imported \(user.username) (id \(id))")
            } catch {
                failures += 1
                Console.error("authd: not imported: \(user.username) (id \(id)): \(error.message)\n")
            }
        }
        print("\(users.count - failures) of \(users.count) user(s) imported")
        if failures > 0 { throw .failure("\(failures) user(s) were not imported") }
    }

    private static func readAll(_ path: String) throws(CLIError) -> [UInt8] {
        do {
            let file = path == "-" ? FileDescriptor(STDIN_FILENO) : try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC)
            // Standard input is only borrowed: not ours to close.
            defer { if path == "-" { _ = file.release() } }
            return try file.readToEnd()
        } catch {
            throw .failure("cannot \(error.call) \(path): \(error.reason)")  // "cannot open …" or "cannot read …"
        }
    }
}

/// The records of a Django `dumpdata` of the user model.
enum DjangoUserDump {
    static func parse(_ bytes: [UInt8]) throws(CLIError) -> [(Int64, NewUser)] {
        let document: JSONValue
        do {
            document = try JSON.parse(bytes)
        } catch {
            throw .failure("not a JSON dump: \(error.message)")
        }
        guard let records = document.arrayValue else {
            throw .failure("expected a JSON list as written by `manage.py dumpdata auth.user`")
        }
        var users: [(Int64, NewUser)] = []
        for (index, record) in records.enumerated() {
            guard let object = record.objectValue, let id = object["pk"]?.intValue,
                  let fields = object["fields"]?.objectValue,
                  let username = fields["username"]?.stringValue, let password = fields["password"]?.stringValue else {
                throw .failure("record \(index): expected {\"pk\": …, \"fields\": {\"username\": …, \"password\": …}}")
            }
            let dateJoined = try fields["date_joined"]?.stringValue.map { text throws(CLIError) in
                try DjangoTimestamp.parse(text, record: index)
            } ?? SystemWallClock().now()
            let lastLogin = try fields["last_login"]?.stringValue.map { text throws(CLIError) in
                try DjangoTimestamp.parse(text, record: index)
            }
            users.append((id, NewUser(
                username: username, passwordHash: password,
                isActive: fields["is_active"]?.boolValue ?? true, isStaff: fields["is_staff"]?.boolValue ?? false,
                isSuperuser: fields["is_superuser"]?.boolValue ?? false, email: fields["email"]?.stringValue ?? "",
                firstName: fields["first_name"]?.stringValue ?? "", lastName: fields["last_name"]?.stringValue ?? "",
                lastLogin: lastLogin, dateJoined: dateJoined)))
        }
        return users
    }
}

/// Django's serialized datetimes: `2024-05-01T10:00:00.123Z`, `…+02:00`, or naive (taken as UTC).
enum DjangoTimestamp {
    static func parse(_ text: String, record: Int) throws(CLIError) -> Double {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for b in bytes[from..<from + count] {
                guard b >= 48, b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard bytes.count >= 19, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            throw .failure("record \(record): \"\(text)\" is not a Django datetime")
        }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count {
            let sign = bytes[index]
            if sign == UInt8(ascii: "Z"), index + 1 == bytes.count {
                offset = 0
            } else if (sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")), let h = number(index + 1, 2),
                      let m = number(index + 4, 2), index + 6 == bytes.count {
                offset = (h * 3600 + m * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else {
                throw .failure("record \(record): \"\(text)\" has an unreadable time zone")
            }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Double(timegm(&parts) - offset) + fraction
    }
}
