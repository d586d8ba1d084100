/* The one way prefixed terms are spelt (schema.h). */
#include <izde/schema.h>

#include <izde/hash.h>

#include <stdio.h>

#include <string.h>

size_t schema_term(char *buf, size_t cap, const char *prefix, const char *term, size_t n)
{
    size_t p = strlen(prefix);
    if (p + n >= cap)
        n = cap - p - 1;
    memcpy(buf, prefix, p);
    memcpy(buf + p, term, n);
    buf[p + n] = '\0';
    return p + n;
}

/* Xapian terms are at most 245 bytes; ids up to IZDE_ID_MAX are shortened past this. */
#define ID_TERM_DIRECT_MAX 200

size_t izde_id_term(const char *id, size_t len, char *out, size_t cap)
{
    size_t p = strlen(IZDE_PREFIX_ID);
    memcpy(out, IZDE_PREFIX_ID, p);
    if (len <= ID_TERM_DIRECT_MAX && p + len < cap) {
        memcpy(out + p, id, len);
        out[p + len] = '\0';
        return p + len;
    }
    /* Keep a readable head; the hash of the whole id keeps distinct ids distinct. */
    size_t head = 160;
    while (head > 0 && ((unsigned char)id[head] & 0xC0) == 0x80)
        head--; /* never cut inside a UTF-8 sequence */
    memcpy(out + p, id, head);
    int n = snprintf(out + p + head, cap - p - head, "#%016llx",
                     (unsigned long long)izde_fnv1a(IZDE_SCHEMA_HASH_SEED, id, len));
    return p + head + (size_t)n;
}
