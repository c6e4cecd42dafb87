// Module Store: see README.md (Architecture).
