/* searchd/write_body.h — the body of a write request, read up to a limit.
 *
 * Design: libmicrohttpd hands a body over in pieces; the server keeps them here, and stops
 * keeping them once the limit is passed (the request is then refused with 413 without reading
 * the rest). No libmicrohttpd types, so the server's part stays a few lines.
 *
 * Thread safety: a body belongs to the thread handling its request.
 */
#ifndef SD_WRITE_BODY_H
#define SD_WRITE_BODY_H

#include <stddef.h>

typedef struct sd_body {
    char *data; /* NUL-terminated; NULL until the first piece */
    size_t len, cap;
    size_t max;    /* 0: the request takes no body */
    int too_large; /* more than max bytes came: data is dropped */
} sd_body;

/* Appends n bytes. Returns 1 when kept, 0 when the body is now too large, -1 when out of
 * memory. */
int sd_body_append(sd_body *b, const char *data, size_t n);

/* Frees the data and zeroes the body. */
void sd_body_free(sd_body *b);

#endif
