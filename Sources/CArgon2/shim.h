#ifndef AUTHD_CARGON2_SHIM_H
#define AUTHD_CARGON2_SHIM_H
// libargon2 (Debian: libargon2-dev), the reference implementation argon2-cffi wraps: Django's Argon2PasswordHasher.
#include <argon2.h>
#endif
