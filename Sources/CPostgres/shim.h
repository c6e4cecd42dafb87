#ifndef AUTHD_CPOSTGRES_SHIM_H
#define AUTHD_CPOSTGRES_SHIM_H
// Debian's libpq-dev installs its headers in /usr/include/postgresql; libpq-fe.h includes postgres_ext.h
// with quotes, which finds it beside itself.
#include <postgresql/libpq-fe.h>

// The error field codes are character-literal macros, which Swift does not import.
static inline int authd_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int authd_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int authd_pg_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
#endif
