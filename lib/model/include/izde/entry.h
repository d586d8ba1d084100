/* izde/entry.h — a news entry, its validation, its JSON form and its stored form.
 *
 * Design: an entry is plain owned data (all strings NUL-terminated, valid UTF-8, no NUL
 * inside). Readers (izde/reader.h) produce entries; the indexer stores each one in the index
 * in a compact binary form (izde_entry_encode()), and search results read it back with
 * izde_entry_decode(). The JSON form (izde_entry_to_json()) is the canonical JSONL input
 * format and what the programs print.
 */
#ifndef IZDE_ENTRY_H
#define IZDE_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IZDE_ID_MAX 256          /* bytes */
#define IZDE_TITLE_MAX 4096      /* bytes */
#define IZDE_BODY_MAX (1u << 20) /* bytes */
#define IZDE_FIELD_MAX 4096      /* bytes: url, source, each tag */
#define IZDE_TAGS_MAX 64         /* tags per entry */

typedef struct izde_entry {
    char *id;     /* required, 1..IZDE_ID_MAX bytes */
    char *date;   /* "YYYY-MM-DD" or ISO 8601 date-time as given; NULL when absent */
    int32_t day;  /* date as YYYYMMDD (e.g. 20210201), 0 when absent */
    char lang[3]; /* "en", "kk", "ru", or "" when unknown (detected at indexing) */
    char *title;  /* NULL when absent */
    char *body;   /* required, not empty */
    char **tags;  /* n_tags strings */
    size_t n_tags;
    char *url;        /* NULL when absent */
    char *source;     /* NULL when absent */
    char *extra_json; /* unknown input fields as a compact JSON object, or NULL */
} izde_entry;

/* A new empty entry. Caller owns; free with izde_entry_free(). NULL on out of memory. */
izde_entry *izde_entry_new(void);

/* A deep copy of e. Caller owns; free with izde_entry_free(). NULL on out of memory. */
izde_entry *izde_entry_clone(const izde_entry *e);

/* Frees e and every string it holds. NULL is a no-op. */
void izde_entry_free(izde_entry *e);

/* Parses a date "YYYY-MM-DD" or an ISO 8601 date-time ("2021-02-01T10:00:00Z",
 * "2021-02-01T10:00:00+06:00", "2021-02-01 10:00") into YYYYMMDD. Rejects impossible
 * dates (2021-02-30) and years outside 1000..9999. */
izde_status izde_date_parse(const char *s, size_t len, int32_t *out_day, izde_error *err);

/* Checks every rule of the entry format: required id and body, lengths, valid UTF-8, known
 * lang, a date that exists. On failure err->msg says which field and why (no file:line), as
 * "field: reason" ("body: empty", "date: impossible date 2021-02-30").
 * Also: the id has no control characters and no leading or trailing whitespace; the body is not
 * empty after trimming whitespace; tags are not empty; day equals the parsed date (0 without
 * a date). extra_json is not checked here (izde_entry_to_json() does). */
izde_status izde_entry_validate(const izde_entry *e, izde_error *err);

/* Parses one JSON object (one JSONL line) into an entry and validates it.
 * Rules: id and body must be JSON strings (a number id is rejected, not converted); for the
 * optional string fields, null and "" both mean absent; tags is a list of strings or null;
 * duplicate keys are rejected; unknown fields are kept, in input order, in extra_json.
 * Invalid UTF-8 is reported as "invalid UTF-8 at byte N", bad syntax as "invalid JSON: ...".
 * Caller owns *out_entry; free with izde_entry_free(). IZDE_ERR_INVALID_ARG on bad input. */
izde_status izde_entry_from_json(const char *json, size_t len, izde_entry **out_entry,
                                 izde_error *err);

/* The stored form of e: length-prefixed fields (lib/model/entry_stored.c has the layout).
 * e must pass izde_entry_validate() and its extra_json be an object without known keys, else
 * IZDE_ERR_INVALID_ARG: so whatever is stored decodes. Caller owns *out_data (free()). */
izde_status izde_entry_encode(const izde_entry *e, char **out_data, size_t *out_len,
                              izde_error *err);

/* Reads a stored entry back: the binary form izde_entry_encode() writes, or the JSON form an
 * index of format 2 stored. Never reads outside data[0, len), whatever the bytes; anything
 * that is not a valid entry is IZDE_ERR_DB_CORRUPT, with what is wrong in err.
 * Caller owns *out_entry (NULL on failure); free with izde_entry_free(). */
izde_status izde_entry_decode(const char *data, size_t len, izde_entry **out_entry,
                              izde_error *err);

/* What decoding keeps from one stored entry to the next (zstd's context and a buffer), so
 * that a page of results does not allocate them per entry. One per thread: a searcher owns
 * one. Caller owns *out_decoder; free with izde_entry_decoder_free(). */
typedef struct izde_entry_decoder izde_entry_decoder;
izde_status izde_entry_decoder_new(izde_entry_decoder **out_decoder, izde_error *err);
void izde_entry_decoder_free(izde_entry_decoder *d);
/* izde_entry_decode() with d's context and buffer; d NULL: without. */
izde_status izde_entry_decode_with(izde_entry_decoder *d, const char *data, size_t len,
                                   izde_entry **out_entry, izde_error *err);

/* Serialises e as one compact JSON object on one line, fields in canonical order (id, date,
 * lang, title, body, tags, url, source; absent ones left out), then the extra_json fields.
 * e must pass izde_entry_validate(), and extra_json must be an object without known keys,
 * else IZDE_ERR_INVALID_ARG: so whatever is written reads back.
 * Caller owns *out_json (free()); *out_len excludes the NUL. */
izde_status izde_entry_to_json(const izde_entry *e, char **out_json, size_t *out_len,
                               izde_error *err);

/* A 64-bit fingerprint of everything stored for e (id, date, lang, title, body, tags, url,
 * source, extras): equal entries give equal hashes, so re-indexing can skip them. FNV-1a over
 * length-prefixed fields, so field boundaries count and an absent field differs from "". */
uint64_t izde_entry_content_hash(const izde_entry *e);

#ifdef __cplusplus
}
#endif
#endif
