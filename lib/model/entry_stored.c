/* The stored form of an entry: what an index keeps as a document's data (izde/entry.h).
 *
 * Layout 1, every number little-endian and of fixed width:
 *   byte 0     0x00: a JSON document (the layout of index format 2) never starts with NUL
 *   byte 1     the layout version, 1
 *   4 bytes    day (int32, YYYYMMDD, 0 when undated)
 *   8 fields   id, date, lang, title, body, url, source, extra_json, each a uint32 length
 *              and that many bytes (no NUL); length 0xFFFFFFFF for an absent field
 *   4 bytes    number of tags (uint32), then each tag as a field (never absent)
 * and nothing after. Search results decode ten of these per page: reading lengths instead of
 * scanning and unescaping JSON is what makes them cheap. The decoder trusts nothing it reads
 * (it is fuzzed): every length is checked against what is left before anything is copied.
 *
 * Layout 2 (index format 5): byte 0 is 0x00, byte 1 is 2, then one zstd frame that holds
 * layout 1 and records its size. Xapian compresses document data with zlib, and inflating
 * was an eighth of a search; zstd takes about half that time, and Xapian stores what
 * it cannot shrink as it is. An entry that zstd does not shrink is written in layout 1. */
#include <izde/entry.h>

#include "entry_internal.h"

#include <jansson.h>
#include <zstd.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LAYOUT_VERSION 1
#define LAYOUT_ZSTD 2
#define HEADER_BYTES 6 /* marker, version, day */
/* Larger than any entry that validates (a body of IZDE_BODY_MAX and the other fields); a
 * frame claiming more is damage, and is refused before anything is allocated. */
#define LAYOUT_RAW_MAX (4u << 20)
/* zstd's default level: ratio like zlib's, and decompression speed does not depend on it. */
#define ZSTD_LEVEL 3
#define ABSENT 0xFFFFFFFFu

/* ---- writing ---- */

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Appends s as a field at *at (room was counted by field_size). */
static void put_field(unsigned char *buf, size_t *at, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_u32(buf + *at, s ? (uint32_t)n : ABSENT);
    if (n)
        memcpy(buf + *at + 4, s, n);
    *at += 4 + n;
}

static size_t field_size(const char *s)
{
    return 4 + (s ? strlen(s) : 0);
}

/* Layout 2 of the size bytes of layout 1 in raw, else raw itself when zstd does not shrink
 * it. Takes ownership of raw; caller owns *out_data (free()). */
static izde_status compress(unsigned char *raw, size_t size, char **out_data, size_t *out_len,
                            izde_error *err)
{
    *out_data = (char *)raw;
    *out_len = size;
    if (size > LAYOUT_RAW_MAX)
        return IZDE_OK; /* no entry that validates is this large; kept as layout 1 */
    size_t cap = 2 + ZSTD_compressBound(size);
    unsigned char *z = malloc(cap);
    if (!z) {
        free(raw);
        *out_data = NULL;
        *out_len = 0;
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    size_t n = ZSTD_compress(z + 2, cap - 2, raw, size, ZSTD_LEVEL);
    if (ZSTD_isError(n) || 2 + n >= size) {
        free(z);
        return IZDE_OK;
    }
    z[0] = 0;
    z[1] = LAYOUT_ZSTD;
    free(raw);
    *out_data = (char *)z;
    *out_len = 2 + n;
    return IZDE_OK;
}

izde_status izde_entry_encode(const izde_entry *e, char **out_data, size_t *out_len,
                              izde_error *err)
{
    *out_data = NULL;
    *out_len = 0;
    /* Only what validates is written, so whatever is written decodes. */
    izde_status st = izde_entry_validate(e, err);
    if (st == IZDE_OK && e->extra_json)
        st = model_entry_check_extras(e->extra_json, err);
    if (st != IZDE_OK)
        return st;
    const char *fields[] = {e->id,     e->date,      e->lang[0] ? e->lang : NULL,
                            e->title,  e->body,      e->url,
                            e->source, e->extra_json};
    size_t size = HEADER_BYTES + 4;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        size += field_size(fields[i]);
    for (size_t i = 0; i < e->n_tags; i++)
        size += field_size(e->tags[i]);
    unsigned char *buf = malloc(size);
    if (!buf)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    buf[0] = 0;
    buf[1] = LAYOUT_VERSION;
    put_u32(buf + 2, (uint32_t)e->day);
    size_t at = HEADER_BYTES;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        put_field(buf, &at, fields[i]);
    put_u32(buf + at, (uint32_t)e->n_tags);
    at += 4;
    for (size_t i = 0; i < e->n_tags; i++)
        put_field(buf, &at, e->tags[i]);
    return compress(buf, at, out_data, out_len, err);
}

/* ---- reading ---- */

typedef struct cursor {
    const unsigned char *p;
    size_t left;
} cursor;

static int get_u32(cursor *c, uint32_t *out)
{
    if (c->left < 4)
        return 0;
    *out = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 |
           (uint32_t)c->p[3] << 24;
    c->p += 4;
    c->left -= 4;
    return 1;
}

/* The next field: a malloc'd NUL-terminated copy in *out (NULL when absent). */
static izde_status get_field(cursor *c, const char *name, char **out, izde_error *err)
{
    uint32_t n = 0;
    *out = NULL;
    if (!get_u32(c, &n))
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: %s: cut short", name);
    if (n == ABSENT)
        return IZDE_OK;
    if (n > c->left)
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: %s: %lu bytes, %zu left",
                              name, (unsigned long)n, c->left);
    if (memchr(c->p, '\0', n))
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: %s: holds a NUL", name);
    if (!(*out = malloc((size_t)n + 1)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    memcpy(*out, c->p, n);
    (*out)[n] = '\0';
    c->p += n;
    c->left -= n;
    return IZDE_OK;
}

static izde_status get_tags(cursor *c, izde_entry *e, izde_error *err)
{
    uint32_t n = 0;
    if (!get_u32(c, &n))
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: tags: cut short");
    if (n > IZDE_TAGS_MAX)
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: %lu tags", (unsigned long)n);
    if (n && !(e->tags = calloc(n, sizeof *e->tags)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (; e->n_tags < n; e->n_tags++) {
        izde_status st = get_field(c, "tag", &e->tags[e->n_tags], err);
        if (st != IZDE_OK)
            return st;
        if (!e->tags[e->n_tags])
            return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: an absent tag");
    }
    return IZDE_OK;
}

static izde_status decode_layout1(const char *data, size_t len, izde_entry *e, izde_error *err)
{
    if (len < HEADER_BYTES)
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: %zu bytes", len);
    if ((unsigned char)data[1] != LAYOUT_VERSION)
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT,
                              "stored entry: layout %u, this izde reads %d: rebuild the index",
                              (unsigned)(unsigned char)data[1], LAYOUT_VERSION);
    cursor c = {(const unsigned char *)data + 2, len - 2};
    uint32_t day = 0;
    get_u32(&c, &day);
    e->day = (int32_t)day;
    char *lang = NULL;
    char **fields[] = {&e->id,   &e->date, &lang,      &e->title,
                       &e->body, &e->url,  &e->source, &e->extra_json};
    static const char *const names[] = {"id",   "date", "lang",   "title",
                                        "body", "url",  "source", "extras"};
    izde_status st = IZDE_OK;
    for (size_t i = 0; st == IZDE_OK && i < sizeof fields / sizeof fields[0]; i++)
        st = get_field(&c, names[i], fields[i], err);
    if (st == IZDE_OK && lang && strlen(lang) >= sizeof e->lang)
        st = izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: lang: too long");
    if (st == IZDE_OK && lang)
        memcpy(e->lang, lang, strlen(lang) + 1);
    free(lang);
    if (st == IZDE_OK)
        st = get_tags(&c, e, err);
    if (st == IZDE_OK && c.left)
        st = izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: %zu bytes after the end",
                            c.left);
    return st;
}

struct izde_entry_decoder {
    ZSTD_DCtx *zstd;
    char *buf; /* room for the largest entry decoded so far */
    size_t cap;
};

izde_status izde_entry_decoder_new(izde_entry_decoder **out_decoder, izde_error *err)
{
    izde_entry_decoder *d = calloc(1, sizeof *d);
    if (d && !(d->zstd = ZSTD_createDCtx())) {
        free(d);
        d = NULL;
    }
    *out_decoder = d;
    return d ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
}

void izde_entry_decoder_free(izde_entry_decoder *d)
{
    if (!d)
        return;
    ZSTD_freeDCtx(d->zstd);
    free(d->buf);
    free(d);
}

/* Unpacks the frame into d's buffer (grown as needed), or a new one when d is NULL. */
static izde_status unpack(izde_entry_decoder *d, const char *frame, size_t len, size_t size,
                          char **out_raw, izde_error *err)
{
    char *raw = d && size <= d->cap ? d->buf : malloc(size);
    if (!raw)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (d && raw != d->buf) {
        free(d->buf);
        d->buf = raw;
        d->cap = size;
    }
    size_t n = d ? ZSTD_decompressDCtx(d->zstd, raw, size, frame, len)
                 : ZSTD_decompress(raw, size, frame, len);
    if (!ZSTD_isError(n) && n == size) {
        *out_raw = raw;
        return IZDE_OK;
    }
    if (!d)
        free(raw);
    return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: zstd: %s",
                          ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
}

/* Layout 2: the zstd frame after the two header bytes, decompressed, is layout 1. */
static izde_status decode_binary(izde_entry_decoder *d, const char *data, size_t len, izde_entry *e,
                                 izde_error *err)
{
    if (len < 2 || (unsigned char)data[1] != LAYOUT_ZSTD)
        return decode_layout1(data, len, e, err);
    unsigned long long size = ZSTD_getFrameContentSize(data + 2, len - 2);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
        size > LAYOUT_RAW_MAX || size < HEADER_BYTES)
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT,
                              "stored entry: not a zstd frame of an entry");
    char *raw = NULL;
    izde_status st = unpack(d, data + 2, len - 2, (size_t)size, &raw, err);
    if (st != IZDE_OK)
        return st;
    if (raw[0] != '\0' || (unsigned char)raw[1] != LAYOUT_VERSION)
        st = izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: the frame holds no entry");
    else
        st = decode_layout1(raw, (size_t)size, e, err);
    if (!d)
        free(raw);
    return st;
}

/* Whatever is wrong with what was read is damage to the index, not a bad request. */
static izde_status corrupt(izde_error *err, izde_status st)
{
    if (st == IZDE_ERR_INVALID_ARG && err) {
        char why[sizeof err->msg];
        memcpy(why, err->msg, sizeof why);
        izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: %.200s", why);
    }
    return st == IZDE_ERR_INVALID_ARG ? IZDE_ERR_DB_CORRUPT : st;
}

izde_status izde_entry_decode(const char *data, size_t len, izde_entry **out_entry, izde_error *err)
{
    return izde_entry_decode_with(NULL, data, len, out_entry, err);
}

izde_status izde_entry_decode_with(izde_entry_decoder *d, const char *data, size_t len,
                                   izde_entry **out_entry, izde_error *err)
{
    *out_entry = NULL;
    if (!data || len == 0)
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "stored entry: empty");
    if (data[0] != '\0') /* index format 2: the entry's JSON form */
        return corrupt(err, izde_entry_from_json(data, len, out_entry, err));
    izde_entry *e = izde_entry_new();
    if (!e)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = decode_binary(d, data, len, e, err);
    if (st == IZDE_OK)
        st = corrupt(err, izde_entry_validate(e, err));
    if (st == IZDE_OK && e->extra_json)
        st = corrupt(err, model_entry_check_extras(e->extra_json, err));
    if (st != IZDE_OK) {
        izde_entry_free(e);
        return st;
    }
    *out_entry = e;
    return IZDE_OK;
}
