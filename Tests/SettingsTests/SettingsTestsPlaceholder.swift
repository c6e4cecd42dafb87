import XCTest

final class SettingsPlaceholder: XCTestCase {}
