/* Diagnostics and access log lines on standard error. */
#define _POSIX_C_SOURCE 200809L
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void sd_log(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "izde-searchd: %s\n", line);
}

/* "2024-05-01T12:00:00.123Z" */
static void iso_time(char *out, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* Copies s into out (cap >= 8), escaping bytes outside printable ASCII as \xNN and stopping
 * with "..." at SD_LOG_TARGET_MAX input bytes or when out is full. */
static void escape_target(const char *s, size_t len, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i = 0;
    for (; i < len && i < SD_LOG_TARGET_MAX && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > 0x20 && c < 0x7f && c != '\\') {
            out[o++] = (char)c;
            continue;
        }
        out[o++] = '\\';
        out[o++] = 'x';
        out[o++] = hex[c >> 4];
        out[o++] = hex[c & 15];
    }
    if (i < len) {
        out[o++] = '.';
        out[o++] = '.';
        out[o++] = '.';
    }
    out[o] = '\0';
}

void sd_log_access(const char *method, const char *target, size_t target_len, int status,
                   double duration_ms)
{
    char when[40], path[SD_LOG_TARGET_MAX * 4 + 8], verb[40], code[16] = "-";
    iso_time(when, sizeof when);
    escape_target(target ? target : "", target ? target_len : 0, path, sizeof path);
    escape_target(method ? method : "-", method ? strlen(method) : 1, verb, sizeof verb);
    if (status > 0)
        snprintf(code, sizeof code, "%d", status);
    fprintf(stderr, "%s %s %s %s %.3fms\n", when, verb, path, code, duration_ms);
}
