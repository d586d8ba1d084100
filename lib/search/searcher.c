/* The searcher: one reader of an index folder that follows commits and generation switches. */
#define _POSIX_C_SOURCE 200809L
#include "searcher_internal.h"

#include <izde/clock.h>
#include <izde/schema.h>

#include <izde/generations.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Each member's words stemmed in each language, as extra keys: an inflected query (Астане,
 * Национального олимпийского комитета) then finds its group too. */
static izde_status add_stemmed_keys(izde_searcher *s, izde_synonyms *syn, izde_error *err)
{
    static const izde_stem_lang langs[] = {IZDE_STEM_EN, IZDE_STEM_RU, IZDE_STEM_KK};
    izde_tokens *tk = izde_tokens_new();
    izde_status st = tk ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (int g = 0; st == IZDE_OK && g < izde_synonyms_count(syn); g++) {
        for (size_t m = 0; st == IZDE_OK && m < izde_synonyms_group_size(syn, g); m++) {
            const char *text = izde_synonyms_member(syn, g, m);
            st = izde_text_tokenize(s->text, text, strlen(text), 0, tk, err);
            for (size_t l = 0; st == IZDE_OK && l < 3; l++) {
                char key[512] = "", stem[IZDE_TERM_MAX + 8];
                for (size_t i = 0; i < izde_tokens_count(tk); i++) {
                    const izde_token *t = izde_tokens_get(tk, i);
                    if (t->flags & IZDE_TOKEN_ALIAS)
                        continue;
                    izde_stem(s->stemmer, langs[l], t->term, t->term_len, stem, sizeof stem);
                    if (strlen(key) + strlen(stem) + 2 < sizeof key) {
                        strcat(key, key[0] ? " " : "");
                        strcat(key, stem);
                    }
                }
                st = izde_synonyms_add_key(syn, key, g, err);
            }
        }
    }
    izde_synonyms_sort_keys(syn);
    izde_tokens_free(tk);
    return st;
}

/* The synonym groups stored in the index (izde-indexer --synonyms), if any. */
static izde_status load_synonyms(izde_searcher *s, izde_error *err)
{
    char *text = NULL;
    izde_synonyms *syn = NULL;
    izde_status st = izde_xreader_metadata(s->reader, IZDE_META_SYNONYMS, &text, err);
    if (st == IZDE_OK && text[0])
        st = izde_synonyms_parse(s->text, text, strlen(text), &syn, err);
    if (st == IZDE_OK && syn)
        st = add_stemmed_keys(s, syn, err);
    free(text);
    if (st != IZDE_OK) {
        izde_synonyms_free(syn);
        return st;
    }
    izde_synonyms_free(s->synonyms);
    s->synonyms = syn;
    return IZDE_OK;
}

/* Shards given apart change with their generation, which a switch of the index folder
 * announces; between switches, reopening them for new commits costs a round trip to every
 * remote shard, so it is done at most this often rather than before every search. */
#define SHARD_REOPEN_MS 1000.0

/* Opens generation gen's databases as one reader: all of them (its delta too), or with shards
 * given, the first (the metadata and spelling dictionary of a sharded index, or a whole
 * unsharded one) and those shards. */
static izde_status open_databases(izde_searcher *s, uint32_t gen, izde_xreader **out_reader,
                                  izde_error *err)
{
    char **dbs = NULL;
    size_t n_dbs = 0;
    izde_status st = izde_gen_stub_dbs(s->dir, gen, &dbs, &n_dbs, err);
    if (st != IZDE_OK)
        return st;
    size_t own = s->n_shards > 0 ? 1 : n_dbs;
    const char **all = calloc(own + s->n_shards, sizeof *all);
    if (!all) {
        izde_gen_dbs_free(dbs, n_dbs);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < own; i++)
        all[i] = dbs[i];
    for (size_t i = 0; i < s->n_shards; i++)
        all[own + i] = s->shards[i];
    st = izde_xreader_open_list(all, own + s->n_shards, s->timeout_ms, out_reader, err);
    if (st == IZDE_OK && s->n_shards == 0)
        st = search_watch_set(&s->watch, s->dir, dbs, n_dbs, err);
    free(all);
    izde_gen_dbs_free(dbs, n_dbs);
    return st;
}

/* Opens the live generation through the folder's stub file (or the pinned generation) and
 * remembers which one it is. */
static izde_status open_reader(izde_searcher *s, izde_error *err)
{
    uint32_t gen = s->pinned;
    int delta = 0;
    izde_status st = gen ? IZDE_OK : izde_gen_current_delta(s->dir, &gen, &delta, err);
    if (st != IZDE_OK)
        return st;
    if (gen == 0)
        return izde_error_set(err, IZDE_ERR_DB_NOT_FOUND,
                              "no index in %s (build one with: izde-indexer --db %s data/)", s->dir,
                              s->dir);
    izde_xreader *r = NULL;
    st = open_databases(s, gen, &r, err);
    if (st == IZDE_ERR_DB_NOT_FOUND)
        return izde_error_set(err, IZDE_ERR_DB_NOT_FOUND,
                              "no index in %s (build one with: izde-indexer --db %s data/)", s->dir,
                              s->dir);
    if (st == IZDE_OK)
        st = store_schema_check(r, s->dir, 0, &s->format, err);
    if (st != IZDE_OK) {
        izde_xreader_close(r);
        return st;
    }
    izde_xreader_close(s->reader);
    s->reader = r;
    s->generation = gen;
    s->has_delta = delta;
    search_copies_forget(&s->copies, 1);
    return load_synonyms(s, err);
}

static izde_status copy_shards(izde_searcher *s, const izde_search_shards *sh, izde_error *err)
{
    if (!sh || sh->n == 0)
        return IZDE_OK;
    s->timeout_ms = sh->timeout_ms;
    if (!(s->shards = calloc(sh->n, sizeof *s->shards)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (; s->n_shards < sh->n; s->n_shards++)
        if (!(s->shards[s->n_shards] = strdup(sh->locs[s->n_shards])))
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    return IZDE_OK;
}

static izde_status open_searcher(const char *db_dir, const izde_search_shards *shards,
                                 uint32_t pinned, izde_searcher **out_searcher, izde_error *err)
{
    izde_searcher *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = strdup(db_dir))) {
        free(s);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    s->pinned = pinned;
    struct stat sb;
    izde_status st = copy_shards(s, shards, err);
    if (st == IZDE_OK && (stat(db_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        st = izde_error_set(err, IZDE_ERR_DB_NOT_FOUND,
                            "no index folder at %s (build one with: izde-indexer --db %s data/)",
                            db_dir, db_dir);
    if (st == IZDE_OK)
        st = izde_text_new(&s->text, err);
    if (st == IZDE_OK)
        st = izde_stemmer_new(&s->stemmer, err);
    if (st == IZDE_OK)
        st = izde_kk_translit_new(&s->translit, err);
    if (st == IZDE_OK)
        st = izde_entry_decoder_new(&s->decoder, err);
    if (st == IZDE_OK)
        st = open_reader(s, err);
    if (st != IZDE_OK) {
        izde_searcher_close(s);
        return st;
    }
    *out_searcher = s;
    return IZDE_OK;
}

izde_status izde_searcher_open(const char *db_dir, izde_searcher **out_searcher, izde_error *err)
{
    return open_searcher(db_dir, NULL, 0, out_searcher, err);
}

izde_status izde_searcher_open_shards(const char *db_dir, const izde_search_shards *shards,
                                      izde_searcher **out_searcher, izde_error *err)
{
    return open_searcher(db_dir, shards, 0, out_searcher, err);
}

izde_status izde_searcher_open_generation(const char *db_dir, uint32_t gen,
                                          izde_searcher **out_searcher, izde_error *err)
{
    if (gen == 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "generation numbers start at 1");
    return open_searcher(db_dir, NULL, gen, out_searcher, err);
}

void izde_searcher_close(izde_searcher *s)
{
    if (!s)
        return;
    izde_xreader_close(s->reader);
    search_copies_fini(&s->copies);
    search_watch_fini(&s->watch);
    izde_entry_decoder_free(s->decoder);
    izde_text_free(s->text);
    izde_stemmer_free(s->stemmer);
    izde_kk_translit_free(s->translit);
    izde_synonyms_free(s->synonyms);
    for (size_t i = 0; i < s->n_shards; i++)
        free(s->shards[i]);
    free(s->shards);
    free(s->dir);
    free(s);
}

izde_status izde_searcher_refresh(izde_searcher *s, int *out_changed, izde_error *err)
{
    uint32_t gen = 0;
    int changed = 0, delta = 0;
    if (search_watch_quiet(&s->watch, izde_clock_ms())) {
        if (out_changed)
            *out_changed = 0;
        return IZDE_OK; /* no file a change replaces has changed (watch.h) */
    }
    izde_status st = izde_gen_current_delta(s->dir, &gen, &delta, err);
    if (st != IZDE_OK)
        return st;
    if (s->pinned)
        gen = s->pinned;
    if (gen != 0 && (gen != s->generation || (!s->pinned && delta != s->has_delta))) {
        /* Xapian's reopen() does not re-read a stub file: open the new generation afresh. */
        st = open_reader(s, err);
        changed = st == IZDE_OK;
    } else if (s->n_shards > 0 && izde_clock_ms() - s->reopened_ms < SHARD_REOPEN_MS) {
        st = IZDE_OK; /* see SHARD_REOPEN_MS */
    } else {
        s->reopened_ms = izde_clock_ms();
        st = izde_xreader_reopen(s->reader, &changed, err);
        if (st == IZDE_OK && changed)
            search_copies_forget(&s->copies, 0);
        if (st == IZDE_OK && changed)
            st = load_synonyms(s, err);
        /* A remote shard that failed once stays failed in its reader: connect again. */
        if (st == IZDE_ERR_UNAVAILABLE) {
            izde_error_clear(err);
            st = open_reader(s, err);
            changed = st == IZDE_OK;
        }
    }
    if (st != IZDE_OK)
        search_watch_forget(&s->watch); /* try again at the next request */
    if (out_changed)
        *out_changed = changed;
    return st;
}

izde_status izde_searcher_info(izde_searcher *s, izde_index_info *out_info, izde_error *err)
{
    char *built = NULL;
    izde_status st = izde_xreader_metadata(s->reader, IZDE_META_BUILT, &built, err);
    if (st != IZDE_OK)
        return st;
    uint32_t entries = 0;
    st = izde_xreader_doccount(s->reader, &entries, err);
    if (st != IZDE_OK) {
        free(built);
        return st;
    }
    out_info->entries = entries;
    out_info->generation = s->generation;
    snprintf(out_info->built, sizeof out_info->built, "%s", built);
    free(built);
    return IZDE_OK;
}

izde_status izde_searcher_get_entry(izde_searcher *s, const char *id, size_t len,
                                    izde_entry **out_entry, izde_error *err)
{
    char term[IZDE_ID_MAX + 32], *data = NULL;
    size_t dlen = 0;
    if (len == 0 || len > IZDE_ID_MAX)
        return izde_error_set(err, IZDE_ERR_NOT_FOUND, "no entry with this id");
    size_t n = izde_id_term(id, len, term, sizeof term);
    izde_status st = izde_xreader_data_by_term(s->reader, term, n, &data, &dlen, err);
    if (st == IZDE_OK)
        st = izde_entry_decode_with(s->decoder, data, dlen, out_entry, err);
    free(data);
    return st;
}

typedef struct entry_walk {
    izde_searcher *s;
    izde_entry_fn fn;
    void *ctx;
    izde_error *err;
    izde_status st;
} entry_walk;

/* One id term: its document's stored entry to fn. Returns non-zero to stop the walk. */
static int walk_one(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    entry_walk *w = ctx;
    char *data = NULL;
    size_t dlen = 0;
    izde_entry *e = NULL;
    (void)termfreq;
    w->st = izde_xreader_data_by_term(w->s->reader, term, len, &data, &dlen, w->err);
    if (w->st == IZDE_ERR_NOT_FOUND) { /* only a hidden version has it (izde/xapian.h) */
        izde_error_clear(w->err);
        w->st = IZDE_OK;
        return 0;
    }
    if (w->st == IZDE_OK)
        w->st = izde_entry_decode_with(w->s->decoder, data, dlen, &e, w->err);
    free(data);
    int stop = w->st != IZDE_OK || w->fn(w->ctx, e);
    izde_entry_free(e);
    return stop;
}

izde_status izde_searcher_each_entry(izde_searcher *s, izde_entry_fn fn, void *ctx, izde_error *err)
{
    entry_walk w = {s, fn, ctx, err, IZDE_OK};
    /* Every entry has exactly one id term ("Q" + id), and no other term starts with "Q":
     * words are indexed case-folded. */
    izde_status st = izde_xreader_terms(s->reader, IZDE_PREFIX_ID, strlen(IZDE_PREFIX_ID), SIZE_MAX,
                                        walk_one, &w, err);
    return st != IZDE_OK ? st : w.st;
}
