#ifndef AUTHD_CCRYPT_SHIM_H
#define AUTHD_CCRYPT_SHIM_H
// libxcrypt's crypt_r (Debian: libcrypt-dev), which implements bcrypt ($2b$): Django's BCrypt hashers.
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

// struct crypt_data is large (32 KiB): allocated and freed here, never on a Swift stack.
static inline struct crypt_data *authd_crypt_data_new(void) { return calloc(1, sizeof(struct crypt_data)); }
static inline void authd_crypt_data_free(struct crypt_data *data) {
    if (data) { explicit_bzero(data, sizeof(struct crypt_data)); free(data); }
}
#endif
