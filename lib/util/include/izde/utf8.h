/* izde/utf8.h — UTF-8 checks, decoding and encoding that need no ICU (lib/util).
 *
 * Design: entry validation and the readers must reject malformed text before it reaches the
 * JSON layer or the index, and say where it is wrong. These functions follow the Unicode
 * definition of well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..DFFF),
 * nothing above U+10FFFF. U+0000 is well-formed; callers that forbid NUL check for it.
 * Pure functions; safe from any thread.
 */
#ifndef IZDE_UTF8_H
#define IZDE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The UTF-8 byte order mark, EF BB BF. */
#define IZDE_UTF8_BOM "\xEF\xBB\xBF"
#define IZDE_UTF8_BOM_LEN 3

/* 1 when s[0..len) is well-formed UTF-8, else 0. s may be NULL when len is 0. */
int izde_utf8_valid(const char *s, size_t len);

/* Offset of the first byte of the first ill-formed sequence in s[0..len), or len when all of
 * it is well-formed. A sequence cut short by the end of s counts as ill-formed. */
size_t izde_utf8_invalid_at(const char *s, size_t len);

/* Number of code points in s[0..len) (bytes that do not continue a sequence). */
size_t izde_utf8_count(const char *s, size_t len);

/* Bytes of the first n code points of s[0..len) (all of it when it has fewer). */
size_t izde_utf8_prefix_len(const char *s, size_t len, size_t n);

/* The high bit of each of eight bytes, for the word-at-a-time scans of UTF-8. */
#define IZDE_UTF8_HIGH_BITS 0x8080808080808080ull

/* The eight bytes at p as one word, little-endian whatever the machine's order (the compiler
 * makes it one load where that is it). Inline, as it sits in the scans' inner loops. */
static inline uint64_t izde_utf8_load8(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

/* U+FFFD, what izde_utf8_next gives for an ill-formed byte. */
#define IZDE_UTF8_REPLACEMENT 0xFFFDu

/* Decodes the well-formed sequence at s[0..len) into *out_cp; returns its length (1..4), or 0
 * when it is ill-formed, cut short or len is 0 (then *out_cp is untouched). */
size_t izde_utf8_decode(const char *s, size_t len, uint32_t *out_cp);

/* The code point at s[*i] (*i < len), advancing *i past it; an ill-formed byte gives
 * IZDE_UTF8_REPLACEMENT and advances by one, so a loop over any bytes ends. */
uint32_t izde_utf8_next(const char *s, size_t len, size_t *i);

/* Writes the UTF-8 form of cp (at most U+10FFFF) to out; returns its length (1..4). */
size_t izde_utf8_encode(uint32_t cp, char out[4]);

/* The offset of the sequence that ends just before s[i] (i > 0). */
size_t izde_utf8_prev(const char *s, size_t i);

/* Number of bytes of a UTF-8 byte order mark at the start of s[0..len): 3 or 0. */
size_t izde_utf8_bom_len(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
