// Module Passwords: Django-format password hashing.
