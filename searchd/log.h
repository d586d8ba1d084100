/* searchd/log.h — the daemon's diagnostics and access log, on standard error.
 *
 * Design: every line is written with one stdio call, so lines of concurrent threads
 * never interleave. Diagnostics start with "izde-searchd: "; access lines start with the time
 * (ISO 8601, UTC, milliseconds) and carry the method, the request target (bounded, with
 * control and non-ASCII bytes escaped so a request cannot forge log lines), the status and the
 * duration. Safe from any thread.
 */
#ifndef SD_LOG_H
#define SD_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Longest request target written to the access log; longer ones end in "...". */
#define SD_LOG_TARGET_MAX 512

/* A diagnostic line "izde-searchd: <message>". */
void sd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An access line: time, method, target, status ("-" when 0: answered by the HTTP library
 * itself), duration. target need not be NUL-terminated. */
void sd_log_access(const char *method, const char *target, size_t target_len, int status,
                   double duration_ms);

#endif
