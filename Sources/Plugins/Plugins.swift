// Module Plugins: see README.md (Architecture).
