/* One writing session on an index folder: see izde/indexer.h. */
#define _XOPEN_SOURCE 700
#include <izde/indexer.h>

#include "core.h"
#include "document.h"
#include <izde/fs.h>
#include <izde/schema.h>
#include "shards.h"
#include "spelling.h"

#include <izde/generations.h>
#include <izde/synonyms.h>
#include <izde/xapian.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Entries per commit, split over the writers: what Xapian buffers between commits sets the peak
 * memory; 4,000 keeps a rebuild near 390 MB since format 6 added two beginnings per word. */
#define DEFAULT_BATCH 4000

struct izde_indexer {
    char *dir;
    uint32_t gen; /* generation being written */
    int rebuild;
    int defer_switch;
    int spelling; /* a one-writer rebuild writes the spelling dictionary when it finishes */
    int finished;
    index_core *cores; /* the writers, when not parallel: one, or a sharded index's meta
                          database then its shards */
    unsigned n_cores;
    unsigned shards;      /* shards of the generation written, 0 when not sharded */
    shard_pool *pool;     /* the workers of a parallel rebuild, else NULL */
    int parallel;         /* the session used a pool (its counters are merged at the end) */
    char *synonyms;       /* normalised groups to record, NULL to leave them as they are */
    uint64_t journal_seq; /* last journal record applied (izde/journal.h), 0 when none */
    uint32_t delta_max;   /* opts->delta_max, for an incremental session with a delta */
    izde_index_stats stats;
};

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

/* The live generation's format, and its number of shards (0 when not sharded). */
static izde_status check_live(izde_indexer *ix, izde_error *err)
{
    izde_xreader *r = NULL;
    char **dbs = NULL;
    size_t n = 0;
    izde_status st = izde_gen_dbs(ix->dir, ix->gen, &dbs, &n, err);
    if (st == IZDE_OK)
        st = izde_xreader_open(dbs[0], &r, err);
    if (st == IZDE_OK)
        st = store_schema_check(r, ix->dir, 1, NULL, err);
    ix->shards = n > 1 ? (unsigned)(n - 1) : 0;
    izde_xreader_close(r);
    izde_gen_dbs_free(dbs, n);
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
        return check_live(ix, err);
    }
    ix->gen = highest_generation(ix->dir) + 1;
    if (cur == 0)
        ix->rebuild = 1; /* a new index becomes live only when its first run finishes */
    return izde_gen_remove(ix->dir, ix->gen, err);
}

/* Number of worker threads for a rebuild: opts->jobs, 0 meaning one per core. */
static unsigned rebuild_jobs(const izde_index_opts *opts)
{
    if (opts->jobs > 0)
        return opts->jobs;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 1 ? (unsigned)(cores > 16 ? 16 : cores) : 1;
}

/* A sharded index keeps one spelling dictionary, in its meta database: the shards' new words
 * go there, while the whole collection is small enough (spelling.h). */
static izde_status share_dictionary(izde_indexer *ix, izde_error *err)
{
    uint32_t total = 0, docs = 0;
    izde_status st = IZDE_OK;
    for (unsigned i = 1; i < ix->n_cores && st == IZDE_OK; i++) {
        st = izde_xwriter_doccount(ix->cores[i].writer, &docs, err);
        total += docs;
    }
    for (unsigned i = 1; i < ix->n_cores && st == IZDE_OK; i++) {
        index_core *c = &ix->cores[i];
        c->dictionary = ix->cores[0].writer;
        if (total >= SPELLING_SMALL_INDEX) {
            index_word_counts_free(c->spelling);
            c->spelling = c->builder.spelling = NULL;
        }
    }
    return st;
}

/* An incremental session's writers: the generation's one database, or a sharded index's
 * meta database and every shard, each entry going to the shard its id hashes to. */
static izde_status open_cores(izde_indexer *ix, const izde_index_opts *opts, uint32_t batch,
                              izde_error *err)
{
    char **dbs = NULL;
    size_t n = 0;
    izde_status st = ix->rebuild ? IZDE_OK : izde_gen_dbs(ix->dir, ix->gen, &dbs, &n, err);
    if (st == IZDE_OK && ix->rebuild) { /* a one-writer rebuild: the generation's folder */
        dbs = malloc(sizeof *dbs);
        if (dbs && (dbs[0] = izde_gen_path(ix->dir, ix->gen)) != NULL)
            n = 1;
        else
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    if (st == IZDE_OK && !(ix->cores = calloc(n, sizeof *ix->cores)))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    /* A rebuild writes its spelling dictionary once at the end (spelling.h); a sharded
     * index's new words go to the shards, whose dictionaries a local search adds up. */
    int spelling = !opts->no_spelling && !ix->rebuild;
    for (size_t i = 0; st == IZDE_OK && i < n; i++) {
        st = index_core_open(&ix->cores[i], dbs[i], batch, spelling && (n == 1 || i > 0),
                             ix->rebuild, err);
        if (st == IZDE_OK)
            ix->n_cores++;
    }
    izde_gen_dbs_free(dbs, n);
    /* Writing in place, a delta left by earlier sessions is folded in first. */
    char *delta = NULL;
    int in_place = opts->in_place;
    if (st == IZDE_OK && n == 1 && !ix->rebuild && in_place)
        st = izde_gen_delta(ix->dir, ix->gen, &delta, err);
    if (st == IZDE_OK && n == 1 && !ix->rebuild && (!in_place || delta))
        st = index_core_open_delta(&ix->cores[0], ix->dir, ix->gen, err);
    if (st == IZDE_OK && delta)
        st = index_core_fold_delta(&ix->cores[0], ix->dir, ix->gen, 0, err);
    free(delta);
    return st == IZDE_OK && n > 1 ? share_dictionary(ix, err) : st;
}

/* The writer of the entry with this id. */
static index_core *core_of(izde_indexer *ix, const char *id, size_t len)
{
    if (ix->n_cores == 1)
        return &ix->cores[0];
    return &ix->cores[1 + store_shard_of(id, len, ix->n_cores - 1)];
}

static izde_status open_writers(izde_indexer *ix, const izde_index_opts *opts, uint32_t batch,
                                izde_error *err)
{
    if (!ix->rebuild && opts->shards && opts->shards != (ix->shards ? ix->shards : 1))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "the index at %s has %u shard(s): changing that needs a rebuild",
                              ix->dir, ix->shards ? ix->shards : 1);
    if (!ix->rebuild || (rebuild_jobs(opts) <= 1 && ix->shards <= 1)) {
        ix->shards = ix->rebuild ? 0 : ix->shards;
        return open_cores(ix, opts, batch, err);
    }
    char *path = izde_gen_path(ix->dir, ix->gen);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    /* A sharded rebuild writes each shard in a worker of its own. */
    unsigned jobs = ix->shards > 1 ? ix->shards : rebuild_jobs(opts);
    izde_status st;
    {
        size_t n = strlen(path) + 8;
        char *tmp = malloc(n);
        if (!tmp) {
            free(path);
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        }
        snprintf(tmp, n, "%s.tmp", path);
        st = index_shards_start(tmp, jobs, batch, !opts->no_spelling, ix->shards > 1, &ix->pool,
                                err);
        ix->parallel = 1;
        free(tmp);
    }
    free(path);
    return st;
}

/* The synonyms to record: none, or from opts->synonyms_file, else (for a rebuild) those of
 * the live generation, so a rebuild never loses them. An empty value removes the stored ones
 * (Xapian deletes metadata set to ""). */
static izde_status choose_synonyms(izde_indexer *ix, const izde_index_opts *opts, uint32_t live_gen,
                                   izde_error *err)
{
    izde_status st = IZDE_OK;
    if (opts->no_synonyms) {
        if (!(ix->synonyms = strdup("")))
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    } else if (opts->synonyms_file) {
        izde_text *t = NULL;
        izde_synonyms *syn = NULL;
        st = izde_text_new(&t, err);
        if (st == IZDE_OK)
            st = izde_synonyms_load(t, opts->synonyms_file, &syn, err);
        if (st == IZDE_OK && !(ix->synonyms = izde_synonyms_serialise(syn)))
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        izde_synonyms_free(syn);
        izde_text_free(t);
    } else if (ix->rebuild && live_gen) {
        izde_xreader *r = NULL;
        st = izde_xreader_open(ix->dir, &r, err);
        if (st == IZDE_OK)
            st = izde_xreader_metadata(r, IZDE_META_SYNONYMS, &ix->synonyms, err);
        izde_xreader_close(r);
    }
    return st;
}

/* The live generation's last applied journal record: an incremental session goes on from it,
 * a rebuild carries it over to its new generation (izde/journal.h). */
static izde_status read_journal_seq(izde_indexer *ix, uint32_t live_gen, izde_error *err)
{
    char **dbs = NULL, *text = NULL;
    size_t n = 0;
    izde_xreader *r = NULL;
    izde_status st = izde_gen_dbs(ix->dir, live_gen, &dbs, &n, err);
    if (st == IZDE_OK) /* kept in the first database: a sharded index's meta */
        st = izde_xreader_open(dbs[0], &r, err);
    if (st == IZDE_OK && ix->rebuild && !ix->shards)
        ix->shards = n > 1 ? (unsigned)(n - 1) : 0; /* a rebuild keeps the live layout */
    if (st == IZDE_OK)
        st = izde_xreader_metadata(r, IZDE_META_JOURNAL, &text, err);
    if (st == IZDE_OK && text[0])
        ix->journal_seq = strtoull(text, NULL, 10);
    free(text);
    izde_xreader_close(r);
    izde_gen_dbs_free(dbs, n);
    return st;
}

/* Records the journal number carried over by a rebuild in its finished generation dest. */
static izde_status carry_journal_seq(izde_indexer *ix, const char *dest, izde_error *err)
{
    char text[24], meta[4096];
    izde_xwriter *w = NULL;
    snprintf(text, sizeof text, "%llu", (unsigned long long)ix->journal_seq);
    snprintf(meta, sizeof meta, "%s/%s", dest, IZDE_GEN_META);
    izde_status st = izde_xwriter_open(ix->shards > 1 ? meta : dest, 0, &w, err);
    if (st == IZDE_OK)
        st = izde_xwriter_set_metadata(w, IZDE_META_JOURNAL, text, err);
    if (st == IZDE_OK)
        return izde_xwriter_close(w, err); /* commits */
    izde_xwriter_abandon(w, NULL);
    return st;
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
    ix->delta_max = opts->delta_max;
    if (opts->shards > IZDE_GEN_MAX_SHARDS) {
        free(ix->dir);
        free(ix);
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "at most %d shards", IZDE_GEN_MAX_SHARDS);
    }
    uint32_t live = 0;
    izde_status st = ensure_dir(dir, err);
    if (st == IZDE_OK)
        st = izde_gen_current(dir, &live, err);
    if (st == IZDE_OK)
        st = choose_generation(ix, err);
    ix->spelling = ix->rebuild && !opts->no_spelling; /* choose_generation may set rebuild */
    if (ix->rebuild && opts->shards)
        ix->shards = opts->shards; /* else the live index's, read with its journal number */
    if (st == IZDE_OK && live) {
        st = read_journal_seq(ix, live, err);
        /* A rebuild is how a damaged live index is replaced from its sources; it then carries
         * no journal number over, and the daemon's writer replays from the journal's start. */
        if (st == IZDE_ERR_DB_CORRUPT && ix->rebuild) {
            izde_error_clear(err);
            st = IZDE_OK;
        }
    }
    if (st == IZDE_OK)
        st = choose_synonyms(ix, opts, live, err);
    if (st == IZDE_OK)
        st = open_writers(ix, opts, opts->batch_size ? opts->batch_size : DEFAULT_BATCH, err);
    if (st != IZDE_OK) {
        izde_indexer_close(ix);
        return st;
    }
    *out_indexer = ix;
    return IZDE_OK;
}

izde_status izde_indexer_add(izde_indexer *ix, const izde_entry *e, izde_error *err)
{
    izde_status st = izde_entry_validate(e, err);
    if (st != IZDE_OK) {
        ix->stats.rejected++;
        return st;
    }
    if (!ix->pool)
        return index_core_add(core_of(ix, e->id, strlen(e->id)), e, err);
    izde_entry *copy = izde_entry_clone(e);
    if (!copy)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    return index_shards_add(ix->pool, copy, err);
}

void izde_indexer_count_rejected(izde_indexer *ix)
{
    ix->stats.rejected++;
}

izde_status izde_indexer_delete(izde_indexer *ix, const char *id, size_t len, int *out_found,
                                izde_error *err)
{
    if (len == 0 || len > IZDE_ID_MAX)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "an id is 1 to %d bytes", IZDE_ID_MAX);
    if (ix->pool)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "deleting during a rebuild: leave the entry out instead");
    return index_core_delete(core_of(ix, id, len), id, len, out_found, err);
}

izde_status izde_indexer_commit(izde_indexer *ix, izde_error *err)
{
    /* the shards first: their new words go into the meta database's commit */
    izde_status st = IZDE_OK;
    for (unsigned i = ix->n_cores; i-- > 0 && st == IZDE_OK;)
        st = index_core_commit(&ix->cores[i], err);
    return st;
}

/* A delta may hold this many entries, or a twentieth of the index if more, before a session
 * folds it into the main database: a batch written into a delta costs about what it would
 * into an index of the delta's size (7 s for 1,000 entries into 20,000), and a fold about
 * what the batch would have cost in the main database (bench/README.md, "The delta: a nightly batch
 * no longer rewrites the index"). */
#define DELTA_MIN_MAX 2000
#define DELTA_SHARE 20

/* Folds the committed delta into the main database once it holds more than its limit; a
 * session that goes on (go_on) then starts a new delta. */
static izde_status fold_delta(izde_indexer *ix, int go_on, izde_error *err)
{
    uint32_t max = ix->delta_max, docs = 0;
    izde_status st = max ? IZDE_OK : izde_xwriter_doccount(ix->cores[0].writer, &docs, err);
    if (!max)
        max = docs / DELTA_SHARE > DELTA_MIN_MAX ? docs / DELTA_SHARE : DELTA_MIN_MAX;
    if (st == IZDE_OK)
        st = index_core_fold_delta(&ix->cores[0], ix->dir, ix->gen, max, err);
    if (st == IZDE_OK && go_on && !ix->cores[0].delta)
        st = index_core_open_delta(&ix->cores[0], ix->dir, ix->gen, err);
    return st;
}

izde_status izde_indexer_commit_journal(izde_indexer *ix, uint64_t seq, izde_error *err)
{
    if (ix->rebuild)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "a rebuild carries the journal number over by itself");
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)seq);
    /* the shards first: the number recorded in the first database then never runs ahead */
    izde_status st = IZDE_OK;
    for (unsigned i = ix->n_cores; i-- > 1 && st == IZDE_OK;)
        st = index_core_commit(&ix->cores[i], err);
    if (st == IZDE_OK)
        st = izde_xwriter_set_metadata(ix->cores[0].writer, IZDE_META_JOURNAL, text, err);
    if (st == IZDE_OK)
        st = index_core_commit(&ix->cores[0], err);
    if (st == IZDE_OK)
        ix->journal_seq = seq;
    /* a daemon's writer session never finishes: its delta is folded here */
    if (st == IZDE_OK && ix->n_cores == 1 && ix->cores[0].delta)
        st = fold_delta(ix, 1, err);
    return st;
}

uint64_t izde_indexer_journal_seq(const izde_indexer *ix)
{
    return ix->journal_seq;
}

uint32_t izde_indexer_generation(const izde_indexer *ix)
{
    return ix->gen;
}

/* Ends the writing: one writer commits; parallel shards are merged into the generation. */
static izde_status close_writers(izde_indexer *ix, izde_error *err)
{
    if (!ix->pool) {
        izde_status st = IZDE_OK;
        for (unsigned i = ix->n_cores; i-- > 0 && st == IZDE_OK;) { /* shards, then meta */
            st = index_core_write_metadata(&ix->cores[i], ix->gen, ix->synonyms, err);
            if (st == IZDE_OK)
                st = index_core_commit(&ix->cores[i], err);
        }
        if (st == IZDE_OK && ix->cores && ix->cores[0].delta)
            st = fold_delta(ix, 0, err);
        /* closed here, so that a failure is reported; a rebuild is then complete on disk
         * before any reader may see it */
        for (unsigned i = ix->n_cores; i-- > 0 && st == IZDE_OK;)
            st = index_core_close(&ix->cores[i], 1, err);
        if (st != IZDE_OK || !ix->rebuild)
            return st;
    }
    char *dest = izde_gen_path(ix->dir, ix->gen);
    if (!dest)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = IZDE_OK;
    if (ix->pool) {
        st = index_shards_finish(ix->pool, ix->gen, ix->synonyms, dest, err);
        index_shards_stats(ix->pool, &ix->stats);
        index_shards_free(ix->pool);
        ix->pool = NULL;
    } else if (ix->spelling) {
        const char *sources[] = {dest};
        st = index_spelling_build(sources, 1, sources, 1, err);
    }
    if (st == IZDE_OK && ix->journal_seq)
        st = carry_journal_seq(ix, dest, err);
    if (st == IZDE_OK) /* written without waiting for the disk: on it before it can be live */
        st = izde_fs_sync_tree(dest, err);
    free(dest);
    return st;
}

izde_status izde_indexer_finish(izde_indexer *ix, uint32_t *out_gen, izde_error *err)
{
    izde_status st = close_writers(ix, err);
    if (st != IZDE_OK)
        return st;
    ix->finished = 1;
    if (ix->rebuild && !ix->defer_switch) {
        st = izde_gen_switch(ix->dir, ix->gen, err);
        /* Once switched, the run has succeeded: clearing older generations is housekeeping,
         * and whatever it leaves the next run's cleanup removes. */
        if (st == IZDE_OK)
            izde_gen_cleanup(ix->dir, NULL, NULL);
    }
    if (st == IZDE_OK && out_gen)
        *out_gen = ix->gen;
    return st;
}

void izde_indexer_close(izde_indexer *ix)
{
    if (!ix)
        return;
    int unfinished_rebuild = !ix->finished && ix->rebuild;
    for (unsigned i = 0; i < ix->n_cores; i++)
        if (ix->cores[i].writer) /* only when the session failed: finishing closes it */
            index_core_close(&ix->cores[i], 0, NULL);
    free(ix->cores);
    index_shards_free(ix->pool);
    if (unfinished_rebuild && ix->gen)
        izde_gen_remove(ix->dir, ix->gen, NULL); /* it never becomes live */
    free(ix->synonyms);
    free(ix->dir);
    free(ix);
}

const izde_index_stats *izde_indexer_stats(izde_indexer *ix)
{
    /* rejections are counted here; the rest by the single writer (parallel workers' counts
     * were added in when they finished) */
    if (!ix->parallel) {
        izde_index_stats sum = {0};
        for (unsigned i = 0; i < ix->n_cores; i++) {
            const izde_index_stats *c = &ix->cores[i].stats;
            sum.added += c->added;
            sum.updated += c->updated;
            sum.unchanged += c->unchanged;
            sum.deleted += c->deleted;
            sum.bytes += c->bytes;
        }
        sum.rejected = ix->stats.rejected;
        ix->stats = sum;
    }
    return &ix->stats;
}

void izde_indexer_on_abort(void (*fn)(void))
{
    izde_x_on_abort(fn);
}
