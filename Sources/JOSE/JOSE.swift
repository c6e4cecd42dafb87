// Module JOSE: see README.md (Architecture).
