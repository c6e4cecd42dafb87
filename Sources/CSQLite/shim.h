#ifndef AUTHD_CSQLITE_SHIM_H
#define AUTHD_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast of -1 to a function pointer: Swift cannot import it.
static inline sqlite3_destructor_type authd_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type authd_sqlite_static(void) { return SQLITE_STATIC; }
// sqlite3_config is variadic.
static inline int authd_sqlite_config_multithread(void) { return sqlite3_config(SQLITE_CONFIG_MULTITHREAD); }
// Extended result codes are macros built with | and <<, which Swift cannot import.
static inline int authd_sqlite_constraint_unique(void) { return SQLITE_CONSTRAINT_UNIQUE; }
static inline int authd_sqlite_constraint_primarykey(void) { return SQLITE_CONSTRAINT_PRIMARYKEY; }
// Process tuning applied once before the first connection opens (Store's ProcessTuning explains why).
#include <malloc.h>
static inline int authd_sqlite_config_memstatus_off(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
static inline int authd_malloc_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
#endif
