import XCTest

final class HTTPServerPlaceholder: XCTestCase {}
