/* izde/buf.h — a growable byte buffer with a sticky failure flag (lib/util).
 *
 * Design: text is assembled in many small appends (snippets, query descriptions, metrics,
 * normalised words); checking every append for an allocation failure would bury the logic.
 * The first failed allocation sets `failed` and every later append does nothing, so callers
 * check once at the end. The bytes are always NUL-terminated once anything was appended.
 * A zeroed izde_buf is empty and ready; the caller owns `data` and frees it (izde_buf_free).
 */
#ifndef IZDE_BUF_H
#define IZDE_BUF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct izde_buf {
    char *data;
    size_t len, cap;
    int failed;
} izde_buf;

/* Makes room for n more bytes and a NUL; returns 1, or 0 when it failed (now or before). */
int izde_buf_reserve(izde_buf *b, size_t n);

/* Appends s[0..n). */
void izde_buf_append(izde_buf *b, const void *s, size_t n);

/* Appends the NUL-terminated string s. */
void izde_buf_append_str(izde_buf *b, const char *s);

/* Appends n bytes that sit at offset off of b itself (safe when b's storage moves). */
void izde_buf_append_own(izde_buf *b, size_t off, size_t n);

/* Appends printf-formatted text. */
void izde_buf_printf(izde_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frees the bytes and empties b. */
void izde_buf_free(izde_buf *b);

#ifdef __cplusplus
}
#endif
#endif
