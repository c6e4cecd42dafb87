// Module JSON: see README.md (Architecture).
