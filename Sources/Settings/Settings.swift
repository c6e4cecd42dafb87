// Module Settings: see README.md (Architecture).
