/* The one way prefixed terms are spelt, and the index format check (schema.h). */
#include <izde/schema.h>

#include <izde/hash.h>
#include <izde/utf8.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t store_schema_term(char *buf, size_t cap, const char *prefix, const char *term, size_t n)
{
    size_t p = strlen(prefix);
    if (p + n >= cap)
        n = cap - p - 1;
    memcpy(buf, prefix, p);
    memcpy(buf + p, term, n);
    buf[p + n] = '\0';
    return p + n;
}

size_t store_schema_begin_term(char *buf, size_t cap, int long_layer, const char *word, size_t n)
{
    size_t short_len = izde_utf8_prefix_len(word, n, IZDE_BEGIN_SHORT);
    if (!long_layer)
        return store_schema_term(buf, cap, IZDE_PREFIX_BEGIN_SHORT, word, short_len);
    if (short_len == n)
        return 0;
    return store_schema_term(buf, cap, IZDE_PREFIX_BEGIN_LONG, word,
                             izde_utf8_prefix_len(word, n, IZDE_BEGIN_LONG));
}

const char *store_schema_begin_layer(size_t letters)
{
    if (letters <= IZDE_BEGIN_SHORT)
        return IZDE_PREFIX_BEGIN_SHORT;
    return letters <= IZDE_BEGIN_LONG ? IZDE_PREFIX_BEGIN_LONG : NULL;
}

/* What to do about an index this izde cannot use: build it again from its sources. */
#define REBUILD_HINT                                                                               \
    "rebuild it from its sources with izde-reindex --db %s --source DIR, or izde-indexer --db "    \
    "%s --rebuild FILES"

izde_status store_schema_check(izde_xreader *r, const char *db, int writing, int *out_format,
                               izde_error *err)
{
    char *text = NULL, *end = NULL;
    izde_status st = izde_xreader_metadata(r, IZDE_META_SCHEMA, &text, err);
    if (st != IZDE_OK)
        return st;
    long v = strtol(text, &end, 10);
    if (!text[0] || *end || v < 1)
        st = izde_error_set(err, IZDE_ERR_DB_CORRUPT,
                            "index at %s records no format this izde knows (\"%.20s\"; it reads "
                            "formats %d to %d): " REBUILD_HINT,
                            db, text, IZDE_SCHEMA_OLDEST_READ, IZDE_SCHEMA_CURRENT, db, db);
    else if (v > IZDE_SCHEMA_CURRENT)
        st = izde_error_set(err, IZDE_ERR_DB_CORRUPT,
                            "index format %ld at %s is newer than this izde (format %d): use "
                            "the izde that wrote it, or " REBUILD_HINT,
                            v, db, IZDE_SCHEMA_CURRENT, db, db);
    else if (v < IZDE_SCHEMA_OLDEST_READ || (writing && v < IZDE_SCHEMA_CURRENT))
        st = izde_error_set(
            err, IZDE_ERR_DB_CORRUPT,
            "index format %ld at %s is older than this izde (format %d)%s: " REBUILD_HINT, v, db,
            IZDE_SCHEMA_CURRENT, v < IZDE_SCHEMA_OLDEST_READ ? "" : ", which only rebuilds it", db,
            db);
    if (st == IZDE_OK && out_format)
        *out_format = (int)v;
    free(text);
    return st;
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

unsigned store_shard_of(const char *id, size_t len, unsigned n)
{
    return n > 1 ? (unsigned)(izde_fnv1a(IZDE_SCHEMA_HASH_SEED, id, len) % n) : 0;
}
