// Module Passwords: see README.md (Architecture).
