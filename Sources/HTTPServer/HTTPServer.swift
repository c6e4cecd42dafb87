// Module HTTPServer: see README.md (Architecture).
