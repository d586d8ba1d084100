/* izde/error.h — status codes and the caller-owned error record.
 *
 * Design: every fallible izde function returns an izde_status (IZDE_OK == 0) and, when the
 * caller passes a non-NULL izde_error as its last argument, writes a code and a human-readable
 * message there. The record lives in caller memory so that reporting out-of-memory needs no
 * allocation. The library never prints; programs log once, where they handle the error.
 *
 * Conventions of the whole public API (stated once here):
 *  - Text goes in as (const char *s, size_t len), UTF-8. Outputs come last as out_*; the
 *    izde_error * comes after them and may be NULL.
 *  - _open/_close pair resources, _new/_free pair memory; NULL is a no-op for both.
 *  - A returned `const char *` is borrowed; a returned `char *` belongs to the caller (free()).
 *  - No function keeps mutable global state; handles are not thread-safe unless a header says so.
 */
#ifndef IZDE_ERROR_H
#define IZDE_ERROR_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum izde_status {
    IZDE_OK = 0,
    IZDE_ERR_NOMEM,        /* allocation failed */
    IZDE_ERR_INVALID_ARG,  /* bad argument or malformed input (entry, date, UTF-8, ...) */
    IZDE_ERR_IO,           /* file system error */
    IZDE_ERR_DB_NOT_FOUND, /* no index at the given path */
    IZDE_ERR_DB_LOCKED,    /* another writer or indexing run holds the index (Xapian's lock
                              or the job lock, izde/generations.h): try again later */
    IZDE_ERR_DB_MODIFIED,  /* index changed under a reader: reopen and retry */
    IZDE_ERR_DB_CORRUPT,   /* index unreadable: damaged, or of a format this izde cannot read
                              (the message says how to rebuild it) */
    IZDE_ERR_QUERY_SYNTAX, /* strict query parsing failed */
    IZDE_ERR_NOT_FOUND,    /* the requested entry does not exist */
    IZDE_ERR_INTERNAL,     /* a bug or an unexpected library failure */
    IZDE_ERR_UNAVAILABLE   /* a remote shard refused, dropped or did not answer in time */
} izde_status;

typedef struct izde_error {
    izde_status code;
    char msg[256];
} izde_error;

/* Fills err (when non-NULL) with code and a printf-style message; returns code. */
izde_status izde_error_set(izde_error *err, izde_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err to IZDE_OK with an empty message. NULL is a no-op. */
void izde_error_clear(izde_error *err);

/* Stable lower-case name of a status ("nomem", "db_locked", ...). Borrowed, static. */
const char *izde_status_name(izde_status code);

#ifdef __cplusplus
}
#endif
#endif
