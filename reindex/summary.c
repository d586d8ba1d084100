/* The one-line summary of a run: see summary.h. */
#define _POSIX_C_SOURCE 200809L
#include "summary.h"

#include <izde/clock.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double summary_clock(void)
{
    return izde_clock_ms() / 1e3;
}

typedef struct line {
    char buf[4096];
    size_t len;
} line;

static void put(line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(line *l, const char *fmt, ...)
{
    if (l->len >= sizeof l->buf)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, sizeof l->buf - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n;
    if (l->len >= sizeof l->buf)
        l->len = sizeof l->buf - 1; /* truncated; the newline is added below */
}

/* " key=value", quoted (with \" and \\) when the value holds a space, a quote or nothing;
 * control characters become spaces so that the summary stays one line. */
static void put_text(line *l, const char *key, const char *value)
{
    int quote = !*value || strpbrk(value, " \t\"\\=") != NULL;
    put(l, " %s=%s", key, quote ? "\"" : "");
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\')
            put(l, "\\%c", c);
        else
            put(l, "%c", c < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (quote)
        put(l, "\"");
}

static void put_gen(line *l, const char *key, uint32_t gen)
{
    if (gen)
        put(l, " %s=%u", key, (unsigned)gen);
    else
        put(l, " %s=-", key);
}

static void put_count(line *l, const char *key, int64_t n)
{
    if (n >= 0)
        put(l, " %s=%lld", key, (long long)n);
    else
        put(l, " %s=-", key);
}

void summary_write(const summary *s, int log_fd)
{
    line l = {.len = 0};
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    put(&l, "%s izde-reindex %s outcome=%s exit=%d", when, s->action, s->outcome, s->exit_code);
    put_gen(&l, "live", s->live);
    put_gen(&l, "built", s->built);
    put_gen(&l, "replaced", s->replaced);
    put_count(&l, "entries", s->entries);
    put_count(&l, "before", s->before);
    put_count(&l, "rejected", s->rejected);
    put(&l, " duration=%.2fs", summary_clock() - s->started);
    put_text(&l, "db", s->db_dir);
    if (s->source)
        put_text(&l, "source", s->source);
    if (s->reason[0])
        put_text(&l, "reason", s->reason);
    if (l.len >= sizeof l.buf - 1)
        l.len = sizeof l.buf - 2;
    l.buf[l.len++] = '\n';
    fwrite(l.buf, 1, l.len, stderr);
    fflush(stderr);
    /* one write() on an O_APPEND descriptor: lines of overlapping runs never interleave */
    if (log_fd >= 0 && write(log_fd, l.buf, l.len) != (ssize_t)l.len)
        fprintf(stderr, "izde-reindex: cannot write the log line\n");
}
