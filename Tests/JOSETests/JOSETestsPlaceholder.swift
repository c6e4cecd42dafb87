import XCTest

final class JOSEPlaceholder: XCTestCase {}
