// Module AuthdCLI: see README.md (Architecture).
