// Shared helpers for tests: locating binaries, running processes, Python interop.
