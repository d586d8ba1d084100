#include <izde/error.h>

#include <izde/utf8.h>

#include <stdio.h>
#include <string.h>

izde_status izde_error_set(izde_error *err, izde_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* Messages reach JSON and terminals: a message cut inside a character, or quoting
         * ill-formed input, ends before the first ill-formed byte. */
        err->msg[izde_utf8_invalid_at(err->msg, strlen(err->msg))] = '\0';
    }
    return code;
}

void izde_error_clear(izde_error *err)
{
    if (err) {
        err->code = IZDE_OK;
        err->msg[0] = '\0';
    }
}

const char *izde_status_name(izde_status code)
{
    static const char *const names[] = {
        [IZDE_OK] = "ok",
        [IZDE_ERR_NOMEM] = "nomem",
        [IZDE_ERR_INVALID_ARG] = "invalid_arg",
        [IZDE_ERR_IO] = "io",
        [IZDE_ERR_DB_NOT_FOUND] = "db_not_found",
        [IZDE_ERR_DB_LOCKED] = "db_locked",
        [IZDE_ERR_DB_MODIFIED] = "db_modified",
        [IZDE_ERR_DB_CORRUPT] = "db_corrupt",
        [IZDE_ERR_QUERY_SYNTAX] = "query_syntax",
        [IZDE_ERR_NOT_FOUND] = "not_found",
        [IZDE_ERR_INTERNAL] = "internal",
        [IZDE_ERR_UNAVAILABLE] = "unavailable",
    };
    if ((unsigned)code < sizeof names / sizeof names[0] && names[code])
        return names[code];
    return "unknown";
}
