// Module Service: see README.md (Architecture).
