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

izde_status index_core_add(index_core *c, const izde_entry *e, izde_error *err)
{
    char idterm[IZDE_ID_MAX + 32], hex[17], *old = NULL;
    size_t idlen = izde_id_term(e->id, strlen(e->id), idterm, sizeof idterm), old_len = 0;
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)izde_entry_content_hash(e));
    izde_status st =
        izde_xwriter_value(c->writer, idterm, idlen, IZDE_SLOT_CONTENT, &old, &old_len, err);
    int exists = st == IZDE_OK;
    int unchanged = exists && old_len == 16 && memcmp(old, hex, 16) == 0;
    free(old);
    if (st != IZDE_OK && st != IZDE_ERR_NOT_FOUND)
        return st;
    if (unchanged) {
        c->stats.unchanged++;
        return IZDE_OK;
    }
    const char *lang = entry_lang(e);
    st = index_doc_build(&c->builder, e, lang, err);
    if (st == IZDE_OK)
        st = set_data(c, e, lang, hex, err);
    if (st == IZDE_OK)
        st = izde_xwriter_replace(c->writer, idterm, idlen, c->builder.doc, err);
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
    izde_status st = izde_xwriter_delete(c->writer, idterm, n, &found, err);
    if (st != IZDE_OK)
        return st;
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
        st = index_spelling_add_batch(c->dictionary ? c->dictionary : c->writer, c->spelling, err);
        index_word_counts_clear(c->spelling);
    }
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
    izde_status st =
        commit ? izde_xwriter_close(c->writer, err) : izde_xwriter_abandon(c->writer, err);
    c->writer = NULL;
    index_doc_builder_fini(&c->builder);
    index_word_counts_free(c->spelling);
    c->spelling = NULL;
    return st;
}
