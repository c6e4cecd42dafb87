import XCTest

final class DaemonPlaceholder: XCTestCase {}
