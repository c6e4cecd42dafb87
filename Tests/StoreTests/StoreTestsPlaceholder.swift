import XCTest

final class StorePlaceholder: XCTestCase {}
