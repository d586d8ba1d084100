/* One writing session on an index folder: see izde/indexer.h. */
#define _XOPEN_SOURCE 700
#include <izde/indexer.h>

#include "document.h"
#include "schema.h"

#include <izde/generations.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_BATCH 5000
/* Xapian terms are at most 245 bytes; ids up to IZDE_ID_MAX are shortened past this. */
#define ID_TERM_DIRECT_MAX 200

struct izde_indexer {
    char *dir;
    uint32_t gen;       /* generation being written */
    int rebuild;
    int defer_switch;
    int finished;
    uint32_t batch, pending;
    izde_xwriter *writer;
    doc_builder builder;
    izde_index_stats stats;
};

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
                     (unsigned long long)doc_fnv1a(DOC_FNV_SEED, id, len));
    return p + head + (size_t)n;
}

/* The highest generation number that has a folder in dir (live, previous or left over). */
static uint32_t highest_generation(const char *dir)
{
    uint32_t best = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        unsigned gen;
        char tail;
        if (sscanf(de->d_name, "gen-%u%c", &gen, &tail) == 1 && gen > best)
            best = gen;
    }
    closedir(d);
    return best;
}

static izde_status ensure_dir(const char *dir, izde_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return izde_error_set(err, IZDE_ERR_IO, "cannot create index folder %s: %s", dir,
                              strerror(errno));
    return IZDE_OK;
}

static izde_status check_schema(izde_indexer *ix, izde_error *err)
{
    izde_xreader *r = NULL;
    char *path = izde_gen_path(ix->dir, ix->gen), *version = NULL;
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = izde_xreader_open(path, &r, err);
    if (st == IZDE_OK)
        st = izde_xreader_metadata(r, IZDE_META_SCHEMA, &version, err);
    if (st == IZDE_OK && version[0] && strcmp(version, IZDE_SCHEMA_VERSION) != 0)
        st = izde_error_set(err, IZDE_ERR_DB_CORRUPT,
                            "index in %s has schema version %s, this izde writes %s: "
                            "rebuild it with --rebuild",
                            ix->dir, version, IZDE_SCHEMA_VERSION);
    free(version);
    izde_xreader_close(r);
    free(path);
    return st;
}

/* Picks the generation to write: the live one, or a fresh one for a rebuild or a new index.
 * A folder left by an interrupted rebuild under the new number is removed first. */
static izde_status choose_generation(izde_indexer *ix, izde_error *err)
{
    uint32_t cur = 0;
    izde_status st = izde_gen_current(ix->dir, &cur, err);
    if (st != IZDE_OK)
        return st;
    if (cur != 0 && !ix->rebuild) {
        ix->gen = cur;
        return check_schema(ix, err);
    }
    ix->gen = highest_generation(ix->dir) + 1;
    if (cur == 0)
        ix->rebuild = 1; /* a new index becomes live only when its first run finishes */
    return izde_gen_remove(ix->dir, ix->gen, err);
}

izde_status izde_indexer_open(const char *dir, const izde_index_opts *opts,
                              izde_indexer **out_indexer, izde_error *err)
{
    izde_index_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    izde_indexer *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->dir = strdup(dir))) {
        free(ix);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    ix->rebuild = opts->rebuild;
    ix->defer_switch = opts->defer_switch;
    ix->batch = opts->batch_size ? opts->batch_size : DEFAULT_BATCH;
    char *path = NULL;
    izde_status st = ensure_dir(dir, err);
    if (st == IZDE_OK)
        st = choose_generation(ix, err);
    if (st == IZDE_OK && !(path = izde_gen_path(dir, ix->gen)))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK)
        st = izde_xwriter_open(path, 1, &ix->writer, err);
    if (st == IZDE_OK)
        st = doc_builder_init(&ix->builder, err);
    free(path);
    if (st != IZDE_OK) {
        izde_indexer_close(ix);
        return st;
    }
    if (!opts->no_spelling)
        ix->builder.spelling = ix->writer;
    *out_indexer = ix;
    return IZDE_OK;
}

static izde_status maybe_commit(izde_indexer *ix, izde_error *err)
{
    if (++ix->pending < ix->batch)
        return IZDE_OK;
    return izde_indexer_commit(ix, err);
}

/* Stores the entry (with its decided language) as the document's data. */
static izde_status set_data(izde_indexer *ix, const izde_entry *e, const char *lang,
                            uint64_t content, izde_error *err)
{
    izde_entry copy = *e;
    memcpy(copy.lang, lang, sizeof copy.lang);
    char *json = NULL, hex[17];
    size_t len = 0;
    izde_status st = izde_entry_to_json(&copy, &json, &len, err);
    if (st == IZDE_OK)
        st = izde_xdoc_set_data(ix->builder.doc, json, len, err);
    free(json);
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)content);
    if (st == IZDE_OK)
        st = izde_xdoc_set_value(ix->builder.doc, IZDE_SLOT_CONTENT, hex, 16, err);
    return st;
}

izde_status izde_indexer_add(izde_indexer *ix, const izde_entry *e, izde_error *err)
{
    izde_status st = izde_entry_validate(e, err);
    if (st != IZDE_OK) {
        ix->stats.rejected++;
        return st;
    }
    char idterm[IZDE_ID_MAX + 32], hex[17];
    size_t idlen = izde_id_term(e->id, strlen(e->id), idterm, sizeof idterm);
    uint64_t content = izde_entry_content_hash(e);
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)content);
    char *old = NULL;
    size_t old_len = 0;
    st = izde_xwriter_value(ix->writer, idterm, idlen, IZDE_SLOT_CONTENT, &old, &old_len, err);
    int exists = st == IZDE_OK;
    int unchanged = exists && old_len == 16 && memcmp(old, hex, 16) == 0;
    free(old);
    if (st != IZDE_OK && st != IZDE_ERR_NOT_FOUND)
        return st;
    if (unchanged) {
        ix->stats.unchanged++;
        return IZDE_OK;
    }
    const char *lang = e->lang[0] ? e->lang : NULL;
    if (!lang) {
        size_t tl = e->title ? strlen(e->title) : 0;
        lang = izde_lang_detect(e->body, strlen(e->body));
        if (tl && !strcmp(lang, "en"))
            lang = izde_lang_detect(e->title, tl);
    }
    st = doc_build(&ix->builder, e, lang, err);
    if (st == IZDE_OK)
        st = set_data(ix, e, lang, content, err);
    if (st == IZDE_OK)
        st = izde_xwriter_replace(ix->writer, idterm, idlen, ix->builder.doc, err);
    if (st != IZDE_OK)
        return st;
    if (exists)
        ix->stats.updated++;
    else
        ix->stats.added++;
    ix->stats.bytes += strlen(e->body) + (e->title ? strlen(e->title) : 0);
    return maybe_commit(ix, err);
}

void izde_indexer_count_rejected(izde_indexer *ix)
{
    ix->stats.rejected++;
}

izde_status izde_indexer_delete(izde_indexer *ix, const char *id, size_t len, int *out_found,
                                izde_error *err)
{
    char idterm[IZDE_ID_MAX + 32];
    int found = 0;
    if (len == 0 || len > IZDE_ID_MAX)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "an id is 1 to %d bytes", IZDE_ID_MAX);
    size_t n = izde_id_term(id, len, idterm, sizeof idterm);
    izde_status st = izde_xwriter_delete(ix->writer, idterm, n, &found, err);
    if (st != IZDE_OK)
        return st;
    if (found)
        ix->stats.deleted++;
    if (out_found)
        *out_found = found;
    return found ? maybe_commit(ix, err) : IZDE_OK;
}

izde_status izde_indexer_commit(izde_indexer *ix, izde_error *err)
{
    ix->pending = 0;
    return izde_xwriter_commit(ix->writer, err);
}

static izde_status write_metadata(izde_indexer *ix, izde_error *err)
{
    char built[32], gen[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(built, sizeof built, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(gen, sizeof gen, "%u", (unsigned)ix->gen);
    izde_status st = izde_xwriter_set_metadata(ix->writer, IZDE_META_SCHEMA, IZDE_SCHEMA_VERSION,
                                               err);
    if (st == IZDE_OK)
        st = izde_xwriter_set_metadata(ix->writer, IZDE_META_BUILT, built, err);
    if (st == IZDE_OK)
        st = izde_xwriter_set_metadata(ix->writer, IZDE_META_GENERATION, gen, err);
    return st;
}

izde_status izde_indexer_finish(izde_indexer *ix, uint32_t *out_gen, izde_error *err)
{
    izde_status st = write_metadata(ix, err);
    if (st == IZDE_OK)
        st = izde_indexer_commit(ix, err);
    if (st != IZDE_OK)
        return st;
    ix->finished = 1;
    if (ix->rebuild) {
        /* Close the writer first: the new generation must be complete on disk before any
         * reader can be pointed at it. */
        izde_xwriter_close(ix->writer);
        ix->writer = NULL;
        if (!ix->defer_switch) {
            st = izde_gen_switch(ix->dir, ix->gen, err);
            if (st == IZDE_OK)
                st = izde_gen_cleanup(ix->dir, NULL, err);
        }
    }
    if (st == IZDE_OK && out_gen)
        *out_gen = ix->gen;
    return st;
}

void izde_indexer_close(izde_indexer *ix)
{
    if (!ix)
        return;
    int unfinished_rebuild = !ix->finished && ix->rebuild && ix->writer;
    if (ix->finished)
        izde_xwriter_close(ix->writer);
    else
        izde_xwriter_abandon(ix->writer);
    if (unfinished_rebuild)
        izde_gen_remove(ix->dir, ix->gen, NULL); /* it never becomes live */
    doc_builder_fini(&ix->builder);
    free(ix->dir);
    free(ix);
}

const izde_index_stats *izde_indexer_stats(const izde_indexer *ix)
{
    return &ix->stats;
}
