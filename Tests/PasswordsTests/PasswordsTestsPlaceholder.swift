import XCTest

final class PasswordsPlaceholder: XCTestCase {}
