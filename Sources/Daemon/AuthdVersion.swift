/// The release, in one place: `authd --version`, the `authd_build_info` metric and the Debian package.
public enum AuthdVersion {
    public static let current = "0.1.0"
}
