#if canImport(Glibc)
import Glibc
#endif

public enum AuthdCommand {
    public static func main(arguments: [String]) -> Never {
        exit(0)
    }
}
