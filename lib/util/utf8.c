#include <izde/utf8.h>

#include <stdint.h>
#include <string.h>

/* Length of the well-formed sequence starting at s[0] (1..4), or 0 when it is ill-formed.
 * The second-byte ranges follow table 3-7 of the Unicode standard, which is what excludes
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t sequence_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* How many of the eight bytes at p are whole well-formed characters of one or two bytes: 8,
 * 7 when the last byte begins a two-byte character, or 0 when they hold anything else (a
 * longer or ill-formed sequence, or a continuation first: left to sequence_len). ASCII and
 * Cyrillic text, most of what is checked, goes eight bytes at a time without a branch per
 * character. */
static size_t short_chars_in8(const unsigned char *p)
{
    uint64_t w = izde_utf8_load8(p);
    uint64_t high = w & IZDE_UTF8_HIGH_BITS;
    if (!high)
        return 8;
    uint64_t bit6 = (w << 1) & IZDE_UTF8_HIGH_BITS, bit5 = (w << 2) & IZDE_UTF8_HIGH_BITS;
    uint64_t cont = high & ~bit6, lead = high & bit6 & ~bit5;
    if (high & bit6 & bit5)
        return 0; /* E0-FF: three bytes or more, or never valid */
    /* C0 and C1 are overlong leads: their bits 1-4 are clear */
    uint64_t low = (w & 0x1E1E1E1E1E1E1E1Eull) + 0x7F7F7F7F7F7F7F7Full;
    if (lead & ~low & IZDE_UTF8_HIGH_BITS)
        return 0;
    if (cont != lead << 8) /* every lead followed by a continuation, and only a lead */
        return 0;
    return lead >> 63 ? 7 : 8;
}

size_t izde_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n = i + 8 <= len ? short_chars_in8(p + i) : 0;
        if (n == 0 && (n = sequence_len(p + i, len - i)) == 0)
            return i;
        i += n;
    }
    return len;
}

int izde_utf8_valid(const char *s, size_t len)
{
    return izde_utf8_invalid_at(s, len) == len;
}

size_t izde_utf8_bom_len(const char *s, size_t len)
{
    if (len >= IZDE_UTF8_BOM_LEN && memcmp(s, IZDE_UTF8_BOM, IZDE_UTF8_BOM_LEN) == 0)
        return IZDE_UTF8_BOM_LEN;
    return 0;
}

size_t izde_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

size_t izde_utf8_prefix_len(const char *s, size_t len, size_t n)
{
    size_t i = 0;
    for (size_t seen = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (seen++ == n)
            break;
    }
    return i;
}

size_t izde_utf8_decode(const char *s, size_t len, uint32_t *out_cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = len ? sequence_len(u, len) : 0;
    if (n == 0)
        return 0;
    static const unsigned char lead_bits[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t cp = u[0] & lead_bits[n];
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (u[k] & 0x3Fu);
    *out_cp = cp;
    return n;
}

uint32_t izde_utf8_next(const char *s, size_t len, size_t *i)
{
    uint32_t cp;
    size_t n = izde_utf8_decode(s + *i, len - *i, &cp);
    if (n == 0) {
        (*i)++;
        return IZDE_UTF8_REPLACEMENT;
    }
    *i += n;
    return cp;
}

size_t izde_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t izde_utf8_prev(const char *s, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;
    do
        i--;
    while (i > 0 && (u[i] & 0xC0) == 0x80);
    return i;
}
