#include <izde/buf.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int izde_buf_reserve(izde_buf *b, size_t n)
{
    if (b->failed)
        return 0;
    if (n >= SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return 0;
    }
    if (b->len + n + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void izde_buf_append(izde_buf *b, const void *s, size_t n)
{
    if (!izde_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void izde_buf_append_str(izde_buf *b, const char *s)
{
    izde_buf_append(b, s, strlen(s));
}

void izde_buf_append_own(izde_buf *b, size_t off, size_t n)
{
    if (!izde_buf_reserve(b, n))
        return;
    memmove(b->data + b->len, b->data + off, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void izde_buf_printf(izde_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!izde_buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void izde_buf_free(izde_buf *b)
{
    free(b->data);
    *b = (izde_buf){0};
}
