/* One database, one writer thread: see core.h. */
#define _POSIX_C_SOURCE 200809L
#include "core.h"

#include <izde/schema.h>
#include "spelling.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

izde_status index_core_open(index_core *c, const char *path, uint32_t batch, int spelling,
                            int fresh, izde_error *err)
{
    memset(c, 0, sizeof *c);
    c->batch = batch;
    c->batch_bytes = (uint64_t)batch * CORE_BYTES_PER_ENTRY;
    int how = IZDE_XWRITER_CREATE | (fresh ? IZDE_XWRITER_NO_SYNC : 0);
    uint32_t docs = 0;
    izde_status st = izde_xwriter_open(path, how, &c->writer, err);
    if (st == IZDE_OK)
        st = index_doc_builder_init(&c->builder, err);
    if (st == IZDE_OK && spelling)
        st = izde_xwriter_doccount(c->writer, &docs, err);
    spelling = spelling && docs < SPELLING_SMALL_INDEX; /* see spelling.h */
    if (st == IZDE_OK && spelling && !(c->spelling = index_word_counts_new()))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st != IZDE_OK) {
        index_core_close(c, 0, NULL); /* the error that stopped the opening is the one to report */
        return st;
    }
    c->builder.spelling = c->spelling;
    return IZDE_OK;
}

static izde_status maybe_commit(index_core *c, size_t text_bytes, izde_error *err)
{
    c->pending_bytes += text_bytes;
    if (++c->pending < c->batch && c->pending_bytes < c->batch_bytes)
        return IZDE_OK;
    return index_core_commit(c, err);
}

/* Stores the entry (with its decided language) as the document's data. */
static izde_status set_data(index_core *c, const izde_entry *e, const char *lang,
                            const char *content_hex, izde_error *err)
{
    izde_entry copy = *e;
    memcpy(copy.lang, lang, sizeof copy.lang);
    char *data = NULL;
    size_t len = 0;
    izde_status st = izde_entry_encode(&copy, &data, &len, err);
    if (st == IZDE_OK)
        st = izde_xdoc_set_data(c->builder.doc, data, len, err);
    free(data);
    if (st == IZDE_OK)
        st = izde_xdoc_set_value(c->builder.doc, IZDE_SLOT_CONTENT, content_hex, 16, err);
    return st;
}

/* The entry's language, else detected from its body (and title, for short bodies). */
static const char *entry_lang(const izde_entry *e)
{
    if (e->lang[0])
        return e->lang;
    const char *lang = izde_lang_detect(e->body, strlen(e->body));
    if (e->title && !strcmp(lang, "en"))
        lang = izde_lang_detect(e->title, strlen(e->title));
    return lang;
}

izde_status index_core_open_delta(index_core *c, const char *dir, uint32_t gen, izde_error *err)
{
    if (!(c->delta = calloc(1, sizeof *c->delta)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = index_delta_open(c->delta, c->writer, dir, gen, err);
    if (st != IZDE_OK) {
        free(c->delta);
        c->delta = NULL;
    }
    return st;
}

izde_status index_core_fold_delta(index_core *c, const char *dir, uint32_t gen, uint32_t max,
                                  izde_error *err)
{
    uint32_t n = 0;
    izde_status st = c->delta ? index_delta_count(c->delta, &n, err) : IZDE_OK;
    if (st != IZDE_OK || (n <= max && max > 0))
        return st;
    st = index_delta_fold(c->delta, c->writer, dir, gen, err);
    free(c->delta);
    c->delta = NULL;
    return st;
}

/* Where an entry's versions are. */
typedef struct located {
    int in_target;       /* in the database written to (the delta, when there is one) */
    int unchanged;       /* that version, or else the main one, has the same content */
    uint32_t main_docid; /* the main database's visible version beside a delta, else 0 */
} located;

/* Whether w has a document with idterm (its id in *out_docid) and whether its content hash
 * is hex. */
static izde_status lookup(izde_xwriter *w, const char *idterm, size_t idlen, const char *hex,
                          uint32_t *out_docid, int *out_found, int *out_unchanged, izde_error *err)
{
    char *old = NULL;
    size_t old_len = 0;
    izde_status st =
        izde_xwriter_value(w, idterm, idlen, IZDE_SLOT_CONTENT, out_docid, &old, &old_len, err);
    *out_found = st == IZDE_OK;
    *out_unchanged = *out_found && old_len == 16 && memcmp(old, hex, 16) == 0;
    free(old);
    if (st == IZDE_ERR_NOT_FOUND) {
        izde_error_clear(err);
        st = IZDE_OK;
    }
    return st;
}

/* The entry's versions: in the database written to, and (beside a delta) the main one's. */
static izde_status locate(index_core *c, const char *idterm, size_t idlen, const char *hex,
                          located *out, izde_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t docid = 0;
    int found = 0, unchanged = 0;
    izde_xwriter *target = c->delta ? c->delta->writer : c->writer;
    izde_status st =
        lookup(target, idterm, idlen, hex, &docid, &out->in_target, &out->unchanged, err);
    if (st != IZDE_OK || !c->delta)
        return st;
    st = lookup(c->writer, idterm, idlen, hex, &docid, &found, &unchanged, err);
    if (st == IZDE_OK && found && !index_delta_hides(c->delta, docid)) {
        out->main_docid = docid;
        if (!out->in_target)
            out->unchanged = unchanged;
    }
    return st;
}

izde_status index_core_add(index_core *c, const izde_entry *e, izde_error *err)
{
    char idterm[IZDE_ID_MAX + 32], hex[17];
    size_t idlen = izde_id_term(e->id, strlen(e->id), idterm, sizeof idterm);
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)izde_entry_content_hash(e));
    located at;
    izde_status st = locate(c, idterm, idlen, hex, &at, err);
    int exists = at.in_target || at.main_docid;
    /* A delta's version beside a visible main one was committed by a session that stopped
     * before hiding the old one: hide it now. */
    if (st == IZDE_OK && at.main_docid && (at.in_target || !at.unchanged))
        st = index_delta_hide(c->delta, at.main_docid, err);
    if (st != IZDE_OK)
        return st;
    if (exists && at.unchanged) {
        c->stats.unchanged++;
        return IZDE_OK;
    }
    const char *lang = entry_lang(e);
    st = index_doc_build(&c->builder, e, lang, err);
    if (st == IZDE_OK)
        st = set_data(c, e, lang, hex, err);
    if (st == IZDE_OK)
        st = izde_xwriter_replace(c->delta ? c->delta->writer : c->writer, idterm, idlen,
                                  c->builder.doc, err);
    if (st != IZDE_OK)
        return st;
    if (exists)
        c->stats.updated++;
    else
        c->stats.added++;
    size_t text_bytes = strlen(e->body) + (e->title ? strlen(e->title) : 0);
    c->stats.bytes += text_bytes;
    return maybe_commit(c, text_bytes, err);
}

izde_status index_core_delete(index_core *c, const char *id, size_t len, int *out_found,
                              izde_error *err)
{
    char idterm[IZDE_ID_MAX + 32];
    int found = 0;
    size_t n = izde_id_term(id, len, idterm, sizeof idterm);
    located at = {0};
    char no_hash[17] = {0};
    izde_status st = c->delta ? locate(c, idterm, n, no_hash, &at, err) : IZDE_OK;
    if (st == IZDE_OK && at.main_docid)
        st = index_delta_hide(c->delta, at.main_docid, err);
    if (st == IZDE_OK)
        st = izde_xwriter_delete(c->delta ? c->delta->writer : c->writer, idterm, n, &found, err);
    if (st != IZDE_OK)
        return st;
    found = found || at.main_docid;
    if (found)
        c->stats.deleted++;
    if (out_found)
        *out_found = found;
    return found ? maybe_commit(c, 0, err) : IZDE_OK;
}

izde_status index_core_commit(index_core *c, izde_error *err)
{
    c->pending = 0;
    c->pending_bytes = 0;
    izde_status st = IZDE_OK;
    if (c->spelling) {
        if (c->delta) /* the words are in the delta, searched beside the main database */
            st = index_spelling_add_batch(c->delta->writer, c->writer, c->spelling, err);
        else
            st = index_spelling_add_batch(c->dictionary ? c->dictionary : c->writer, NULL,
                                          c->spelling, err);
        index_word_counts_clear(c->spelling);
    }
    if (st == IZDE_OK && c->delta) /* the delta first: see index_delta_commit() */
        st = index_delta_commit(c->delta, c->writer, err);
    return st == IZDE_OK ? izde_xwriter_commit(c->writer, err) : st;
}

izde_status index_core_write_metadata(index_core *c, uint32_t gen, const char *synonyms,
                                      izde_error *err)
{
    char built[32], gen_text[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(built, sizeof built, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(gen_text, sizeof gen_text, "%u", (unsigned)gen);
    izde_status st =
        izde_xwriter_set_metadata(c->writer, IZDE_META_SCHEMA, IZDE_SCHEMA_VERSION, err);
    if (st == IZDE_OK)
        st = izde_xwriter_set_metadata(c->writer, IZDE_META_BUILT, built, err);
    if (st == IZDE_OK)
        st = izde_xwriter_set_metadata(c->writer, IZDE_META_GENERATION, gen_text, err);
    if (st == IZDE_OK && synonyms)
        st = izde_xwriter_set_metadata(c->writer, IZDE_META_SYNONYMS, synonyms, err);
    return st;
}

izde_status index_core_close(index_core *c, int commit, izde_error *err)
{
    izde_status st = commit && c->delta ? index_delta_commit(c->delta, c->writer, err) : IZDE_OK;
    if (c->delta) {
        izde_status closed =
            index_delta_close(c->delta, commit && st == IZDE_OK, st == IZDE_OK ? err : NULL);
        st = st == IZDE_OK ? closed : st;
        free(c->delta);
        c->delta = NULL;
    }
    if (st != IZDE_OK)
        commit = 0;
    izde_error *report = st == IZDE_OK ? err : NULL; /* the first error is the one to report */
    izde_status closed =
        commit ? izde_xwriter_close(c->writer, report) : izde_xwriter_abandon(c->writer, report);
    st = st == IZDE_OK ? closed : st;
    c->writer = NULL;
    index_doc_builder_fini(&c->builder);
    index_word_counts_free(c->spelling);
    c->spelling = NULL;
    return st;
}
