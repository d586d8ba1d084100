/* The Xapian wrapper's error path, and indexing end to end: incremental add, update, unchanged,
 * delete, rebuild-and-switch with rollback, and interrupted runs (including kill -9). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <izde/generations.h>
#include <izde/indexer.h>
#include <izde/search.h>
#include <izde/spelling_keys.h>
#include <izde/utf8.h>
#include <izde/xapian.h>

#include "test_support.h"
#include "../../lib/index/word_counts.h" /* private to lib/index: tested here */

/* An entry with id, date and body (owned by the caller: izde_entry_free). */
static izde_entry *make_entry(const char *id, const char *date, const char *body)
{
    izde_entry *e = izde_entry_new();
    assert_non_null(e);
    e->id = strdup(id);
    e->body = strdup(body);
    e->date = strdup(date);
    assert_int_equal(izde_date_parse(date, strlen(date), &e->day, NULL), IZDE_OK);
    return e;
}

static void add(izde_indexer *ix, const char *id, const char *date, const char *body)
{
    izde_entry *e = make_entry(id, date, body);
    izde_error err;
    if (izde_indexer_add(ix, e, &err) != IZDE_OK)
        fail_msg("add %s: %s", id, err.msg);
    izde_entry_free(e);
}

static uint32_t count(const char *dir, const char *query)
{
    izde_searcher *s = NULL;
    izde_error err;
    if (izde_searcher_open(dir, &s, &err) != IZDE_OK)
        fail_msg("open %s: %s", dir, err.msg);
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = query;
    uint32_t n = 0;
    if (izde_search_count(s, &req, &n, &err) != IZDE_OK)
        fail_msg("count %s: %s", query, err.msg);
    izde_searcher_close(s);
    return n;
}

static izde_indexer *open_ix_jobs(const char *dir, int rebuild, uint32_t batch, unsigned jobs)
{
    izde_index_opts o = {.rebuild = rebuild, .batch_size = batch, .jobs = jobs};
    izde_indexer *ix = NULL;
    izde_error err;
    if (izde_indexer_open(dir, &o, &ix, &err) != IZDE_OK)
        fail_msg("indexer open: %s", err.msg);
    return ix;
}

static izde_indexer *open_ix(const char *dir, int rebuild, uint32_t batch)
{
    return open_ix_jobs(dir, rebuild, batch, 1);
}

static void finish(izde_indexer *ix)
{
    izde_error err;
    if (izde_indexer_finish(ix, NULL, &err) != IZDE_OK)
        fail_msg("finish: %s", err.msg);
    izde_indexer_close(ix);
}

/* --shards 3: three shard databases and a meta one without entries, listed by the stub in that
 * order; entries spread by id, later runs replacing and deleting in the right shard, and a
 * search over the folder seeing all of them once. */
static void test_sharded_index(void **state)
{
    const char *dir = *state;
    izde_index_opts o = {.rebuild = 1, .shards = 3};
    izde_indexer *ix = NULL;
    izde_error err;
    assert_int_equal(izde_indexer_open(dir, &o, &ix, &err), IZDE_OK);
    char id[32], body[64];
    for (int i = 0; i < 30; i++) { /* bodies apart: copies would collapse */
        snprintf(id, sizeof id, "entry-%d", i);
        snprintf(body, sizeof body, "%s number %d", i % 2 ? "The swimmer" : "Boxing in Almaty", i);
        add(ix, id, "2020-01-01", body);
    }
    finish(ix);
    char **dbs = NULL;
    size_t n = 0;
    assert_int_equal(izde_gen_dbs(dir, 1, &dbs, &n, &err), IZDE_OK);
    assert_int_equal(n, 4);
    assert_non_null(strstr(dbs[0], "gen-000001/meta"));
    assert_non_null(strstr(dbs[3], "gen-000001/shard-2"));
    assert_int_equal(tmpdb_docs(dbs[0]), 0);
    uint32_t each[3], sum = 0;
    for (int i = 0; i < 3; i++) {
        each[i] = tmpdb_docs(dbs[1 + i]);
        assert_true(each[i] > 0);
        sum += each[i];
    }
    assert_int_equal(sum, 30);
    assert_int_equal(count(dir, "swimmer"), 15);

    ix = open_ix(dir, 0, 0); /* incremental: replace one, add one, delete one */
    add(ix, "entry-1", "2020-01-02", "Boxing champions one");
    add(ix, "entry-30", "2020-01-02", "Boxing champions two");
    int found = 0;
    assert_int_equal(izde_indexer_delete(ix, "entry-0", 7, &found, &err), IZDE_OK);
    assert_true(found);
    finish(ix);
    sum = 0;
    for (int i = 0; i < 3; i++)
        sum += tmpdb_docs(dbs[1 + i]);
    assert_int_equal(sum, 30);
    assert_int_equal(count(dir, "swimmer"), 14);
    assert_int_equal(count(dir, "champions"), 2);

    o = (izde_index_opts){.shards = 2}; /* another number needs a rebuild */
    ix = NULL;
    assert_int_equal(izde_indexer_open(dir, &o, &ix, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "needs a rebuild"));
    izde_gen_dbs_free(dbs, n);
}

static void test_wrapper_errors(void **state)
{
    const char *dir = *state;
    izde_error err = {0};
    izde_xreader *r = NULL;
    assert_int_equal(izde_xreader_open("/nonexistent/izde", &r, &err), IZDE_ERR_DB_NOT_FOUND);
    assert_true(strlen(err.msg) > 0);
    izde_xstem *st = NULL;
    assert_int_equal(izde_xstem_new("klingon", &st, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "klingon"));
    /* two writers on one database: the second gets DB_LOCKED, not an exception */
    izde_xwriter *w1 = NULL, *w2 = NULL;
    char *path = izde_gen_path(dir, 1);
    assert_int_equal(izde_xwriter_open(path, 1, &w1, &err), IZDE_OK);
    assert_int_equal(izde_xwriter_open(path, 1, &w2, &err), IZDE_ERR_DB_LOCKED);
    assert_null(w2);
    char *v = NULL;
    size_t vl = 0;
    assert_int_equal(izde_xwriter_value(w1, "Qmissing", 8, 0, NULL, &v, &vl, &err),
                     IZDE_ERR_NOT_FOUND);
    assert_int_equal(izde_xwriter_close(w1, &err), IZDE_OK);
    free(path);
    /* a searcher on a folder without an index says where it looked */
    izde_searcher *s = NULL;
    assert_int_equal(izde_searcher_open(dir, &s, &err), IZDE_ERR_DB_NOT_FOUND);
    assert_non_null(strstr(err.msg, dir));
}

static void test_incremental_update_unchanged_delete(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix(dir, 0, 0);
    add(ix, "a", "2020-01-01", "The swimmer crossed the lake");
    add(ix, "b", "2020-01-02", "Boxing champions in Almaty");
    add(ix, "c", "2020-01-03", "Спортсмены из Казахстана");
    finish(ix);
    assert_int_equal(count(dir, "swimmer"), 1);
    assert_int_equal(count(dir, "спортсменов"), 1);

    ix = open_ix(dir, 0, 0);
    add(ix, "a", "2020-01-01", "The swimmer crossed the lake");    /* unchanged */
    add(ix, "b", "2020-01-02", "Wrestling champions in Shymkent"); /* updated */
    add(ix, "d", "2020-01-04", "A new swimmer story");             /* added */
    const izde_index_stats *st = izde_indexer_stats(ix);
    assert_int_equal(st->unchanged, 1);
    assert_int_equal(st->updated, 1);
    assert_int_equal(st->added, 1);
    int found = 0;
    assert_int_equal(izde_indexer_delete(ix, "c", 1, &found, NULL), IZDE_OK);
    assert_true(found);
    assert_int_equal(izde_indexer_delete(ix, "zz", 2, &found, NULL), IZDE_OK);
    assert_false(found);
    finish(ix);
    assert_int_equal(count(dir, "swimmer"), 2);
    assert_int_equal(count(dir, "boxing"), 0);
    assert_int_equal(count(dir, "wrestling"), 1);
    assert_int_equal(count(dir, "спортсменов"), 0);
    uint32_t gen = 0;
    assert_int_equal(izde_gen_current(dir, &gen, NULL), IZDE_OK);
    assert_int_equal(gen, 1); /* incremental runs stay in the live generation */
}

static void test_invalid_entry_counted_not_indexed(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix(dir, 0, 0);
    izde_entry *e = make_entry("x", "2020-01-01", "text");
    free(e->body);
    e->body = strdup("   ");
    izde_error err;
    assert_int_equal(izde_indexer_add(ix, e, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "body"));
    izde_entry_free(e);
    add(ix, "y", "2020-01-01", "valid text");
    assert_int_equal(izde_indexer_stats(ix)->rejected, 1);
    finish(ix);
    assert_int_equal(count(dir, "valid"), 1);
}

/* Records format version (NULL: none) in generation 1 of dir, as an older or newer izde
 * would have left it. */
static void set_format(const char *dir, const char *version)
{
    izde_error err = {0};
    izde_xwriter *w = NULL;
    char *path = izde_gen_path(dir, 1);
    assert_int_equal(izde_xwriter_open(path, 0, &w, &err), IZDE_OK);
    /* Xapian removes a key set to "" */
    assert_int_equal(izde_xwriter_set_metadata(w, "izde.schema", version ? version : "", &err),
                     IZDE_OK);
    assert_int_equal(izde_xwriter_close(w, &err), IZDE_OK);
    free(path);
}

/* Opens a searcher (or, writing, an incremental session) on dir: the status, and err. */
static izde_status open_as(const char *dir, int writing, izde_error *err)
{
    if (writing) {
        izde_index_opts o = {0};
        izde_indexer *ix = NULL;
        izde_status st = izde_indexer_open(dir, &o, &ix, err);
        izde_indexer_close(ix);
        return st;
    }
    izde_searcher *s = NULL;
    izde_status st = izde_searcher_open(dir, &s, err);
    izde_searcher_close(s);
    return st;
}

static void assert_refused(const char *dir, int writing, const char *want)
{
    izde_error err = {0};
    izde_status st = open_as(dir, writing, &err);
    if (st != IZDE_ERR_DB_CORRUPT || !strstr(err.msg, want) || !strstr(err.msg, dir) ||
        !strstr(err.msg, "izde-reindex --db"))
        fail_msg("%s: status %d, \"%s\", wanted \"%s\"", writing ? "indexer" : "searcher", st,
                 err.msg, want);
}

/* The index records its format; a searcher reads formats 2 to 7, an incremental run adds
 * to format 7 only, and each refusal says which formats and how to rebuild. A rebuild works
 * whatever the live generation's format. */
static void test_index_format_is_checked(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix(dir, 0, 0);
    add(ix, "a", "2020-01-01", "The swimmer crossed the lake");
    finish(ix);
    izde_error err = {0};
    assert_int_equal(open_as(dir, 0, &err), IZDE_OK);
    assert_int_equal(open_as(dir, 1, &err), IZDE_OK);

    set_format(dir, "2"); /* the stored entries of 2 are JSON: still read, not added to */
    assert_int_equal(count(dir, "swimmer"), 1);
    assert_refused(dir, 1, "index format 2 at");
    assert_refused(dir, 1, "older than this izde (format 7), which only rebuilds it");

    set_format(dir, "1");
    assert_refused(dir, 0, "index format 1 at");
    assert_refused(dir, 0, "older than this izde (format 7)");
    assert_refused(dir, 1, "older than this izde (format 7)");

    set_format(dir, "3"); /* no facet key or order slots: read, counted locally */
    assert_int_equal(count(dir, "swimmer"), 1);
    assert_refused(dir, 1, "index format 3 at");

    set_format(dir, "4"); /* entries not compressed with zstd: read, only rebuilt */
    assert_int_equal(count(dir, "swimmer"), 1);
    assert_refused(dir, 1, "index format 4 at");

    set_format(dir, "5"); /* no beginnings of words: prefixes expand into words */
    assert_int_equal(count(dir, "swimmer"), 1);
    assert_int_equal(count(dir, "sw*"), 1);
    assert_int_equal(count(dir, "swimm*"), 1);
    assert_refused(dir, 1, "index format 5 at");

    set_format(dir, "6"); /* a spelling dictionary of plain words: asked with them */
    assert_int_equal(count(dir, "swimmer"), 1);
    assert_refused(dir, 1, "index format 6 at");

    set_format(dir, "8");
    assert_refused(dir, 0, "index format 8 at");
    assert_refused(dir, 0, "newer than this izde (format 7)");
    assert_refused(dir, 1, "newer than this izde (format 7)");

    set_format(dir, NULL);
    assert_refused(dir, 0, "records no format this izde knows");
    assert_refused(dir, 1, "records no format this izde knows");
    set_format(dir, "three");
    assert_refused(dir, 0, "records no format this izde knows");

    /* the way out the message gives: a rebuild, which reads no old entry */
    ix = open_ix(dir, 1, 0);
    add(ix, "b", "2020-01-02", "Boxing champions in Almaty");
    finish(ix);
    assert_int_equal(count(dir, "boxing"), 1);
    assert_int_equal(count(dir, "swimmer"), 0);
    assert_int_equal(open_as(dir, 1, &err), IZDE_OK);
}

/* A Cyrillic word typed with Latin i's (бiлiм) grows when keyboard-folded, each i to и: a
 * long one overflowed the folding buffer of the indexer (found by fuzz/text.c). It indexes
 * and is found; a shorter one also as typed on a Russian keyboard (и for i, к for қ). */
static void test_word_with_latin_i(void **state)
{
    const char *dir = *state;
    char word[128] = "қ", shorter[64] = "қ", typed[128] = "к";
    for (size_t i = 0; i < 100; i++)
        strcat(word, "i");
    for (size_t i = 0; i < 20; i++) {
        strcat(shorter, "i");
        strcat(typed, "и");
    }
    izde_indexer *ix = open_ix(dir, 0, 0);
    add(ix, "long", "2020-01-01", word);
    add(ix, "short", "2020-01-01", shorter);
    finish(ix);
    assert_int_equal(count(dir, word), 1);
    assert_int_equal(count(dir, shorter), 1);
    assert_int_equal(count(dir, typed), 1);
}

static void test_rebuild_switches_atomically_and_rolls_back(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix(dir, 0, 0);
    add(ix, "old", "2019-01-01", "old content about rowing");
    finish(ix);

    /* a reader opened now keeps its generation while the rebuild runs and switches */
    izde_searcher *s = NULL;
    assert_int_equal(izde_searcher_open(dir, &s, NULL), IZDE_OK);

    for (int round = 0; round < 3; round++) {
        ix = open_ix(dir, 1, 0);
        add(ix, "new", "2021-01-01", "new content about cycling");
        /* before finish the live index is untouched */
        assert_int_equal(count(dir, "rowing"), round == 0 ? 1 : 0);
        finish(ix);
    }
    assert_int_equal(count(dir, "cycling"), 1);
    assert_int_equal(count(dir, "rowing"), 0);
    uint32_t cur = 0, prev = 0;
    assert_int_equal(izde_gen_current(dir, &cur, NULL), IZDE_OK);
    assert_int_equal(izde_gen_previous(dir, &prev, NULL), IZDE_OK);
    assert_int_equal(cur, 4);
    assert_int_equal(prev, 3);
    /* older generations are removed: only live and previous remain */
    struct stat sb;
    char *g1 = izde_gen_path(dir, 1), *g2 = izde_gen_path(dir, 2), *g3 = izde_gen_path(dir, 3);
    assert_int_not_equal(stat(g1, &sb), 0);
    assert_int_not_equal(stat(g2, &sb), 0);
    assert_int_equal(stat(g3, &sb), 0);
    free(g1);
    free(g2);
    free(g3);

    /* the old reader refreshes onto the new generation */
    int changed = 0;
    assert_int_equal(izde_searcher_refresh(s, &changed, NULL), IZDE_OK);
    assert_true(changed);
    izde_index_info info;
    assert_int_equal(izde_searcher_info(s, &info, NULL), IZDE_OK);
    assert_int_equal(info.generation, 4);
    assert_int_equal(info.entries, 1);
    izde_searcher_close(s);

    uint32_t back = 0;
    assert_int_equal(izde_gen_rollback(dir, &back, NULL), IZDE_OK);
    assert_int_equal(back, 3);
    assert_int_equal(izde_gen_current(dir, &cur, NULL), IZDE_OK);
    assert_int_equal(cur, 3);
}

static void test_unfinished_runs_keep_last_commit(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix(dir, 0, 0);
    add(ix, "first", "2020-01-01", "first run");
    finish(ix);              /* a first run becomes live only when it finishes, like a rebuild */
    ix = open_ix(dir, 0, 2); /* commit every 2 entries */
    add(ix, "a", "2020-01-01", "alpha one");
    add(ix, "b", "2020-01-01", "alpha two");   /* committed here */
    add(ix, "c", "2020-01-01", "alpha three"); /* never committed */
    izde_indexer_close(ix);                    /* as after Ctrl-C */
    assert_int_equal(count(dir, "alpha"), 2);

    uint32_t gen_before = 0, gen_after = 0;
    assert_int_equal(izde_gen_current(dir, &gen_before, NULL), IZDE_OK);
    ix = open_ix(dir, 1, 1);
    add(ix, "z", "2020-01-01", "omega");
    izde_indexer_close(ix); /* an unfinished rebuild never becomes live */
    assert_int_equal(izde_gen_current(dir, &gen_after, NULL), IZDE_OK);
    assert_int_equal(gen_after, gen_before);
    assert_int_equal(count(dir, "omega"), 0);
    assert_int_equal(count(dir, "alpha"), 2);
}

/* A body of n bytes: "long" and then filler words. Caller owns; free(). */
static char *long_body(size_t n)
{
    char *b = malloc(n + 1);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++)
        b[i] = i % 6 == 5 ? ' ' : "words"[i % 6];
    memcpy(b, "long ", 5);
    b[n] = '\0';
    return b;
}

/* Long entries are committed by their text's size before the batch's count is reached, so
 * what the writer buffers stays bounded (core.h: CORE_BYTES_PER_ENTRY). */
static void test_long_entries_commit_by_size(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix(dir, 0, 0);
    add(ix, "first", "2020-01-01", "first run");
    finish(ix);
    /* 10 entries a batch: at most 10 * 4,800 bytes of text */
    char *big = long_body(30000);
    ix = open_ix(dir, 0, 10);
    add(ix, "s1", "2020-01-01", "short one"); /* short entries: the count decides */
    add(ix, "s2", "2020-01-01", "short two");
    izde_indexer_close(ix); /* never committed */
    assert_int_equal(count(dir, "short"), 0);
    ix = open_ix(dir, 0, 10);
    add(ix, "l1", "2020-01-01", big);
    big[5] = 'x'; /* bodies of their own: copies of one text would be collapsed */
    add(ix, "l2", "2020-01-01", big); /* 60,000 bytes: committed here */
    big[5] = 'y';
    add(ix, "l3", "2020-01-01", big); /* never committed */
    izde_indexer_close(ix);
    assert_int_equal(count(dir, "long"), 2);
    free(big);
}

/* A child process indexes with small batches and is killed with SIGKILL mid-run. */
static void test_kill_9_leaves_index_usable(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix(dir, 0, 0);
    add(ix, "seed", "2020-01-01", "seed entry kept");
    finish(ix);
    for (int rebuild = 0; rebuild <= 1; rebuild++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            izde_indexer *cix = NULL;
            izde_index_opts o = {.rebuild = rebuild, .batch_size = 3, .jobs = rebuild ? 2 : 1};
            if (izde_indexer_open(dir, &o, &cix, NULL) != IZDE_OK)
                _exit(2);
            for (int i = 0;; i++) {
                char id[32];
                snprintf(id, sizeof id, "k%d", i);
                char body[64];
                snprintf(body, sizeof body, "killed run entry number %d", i);
                izde_entry *e = make_entry(id, "2020-02-02", body);
                izde_indexer_add(cix, e, NULL);
                izde_entry_free(e);
                if (i == 40)
                    raise(SIGKILL);
            }
        }
        int status = 0;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        assert_int_equal(count(dir, "seed"), 1);
        /* incremental: 13 batches of 3 were committed before the kill; the killed rebuild
         * never became live, so the live index still holds exactly those */
        assert_int_equal(count(dir, "killed"), 39);
    }
    /* the next run succeeds and cleans up the killed rebuild's folder */
    ix = open_ix(dir, 1, 0);
    add(ix, "fresh", "2021-01-01", "fresh start");
    finish(ix);
    assert_int_equal(count(dir, "fresh"), 1);
    unsigned removed = 0;
    assert_int_equal(izde_gen_cleanup(dir, &removed, NULL), IZDE_OK);
    assert_int_equal(removed, 0); /* finish() already removed everything but live + previous */
}

/* A rebuild with several writer threads merges its shards into one generation: every entry
 * once (a repeated id lands in the same shard and replaces the first), counters complete. */
static void test_parallel_rebuild_merges_shards(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = open_ix_jobs(dir, 1, 7, 3);
    char id[32], body[96];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "p%d", i);
        snprintf(body, sizeof body, "parallel entry %d about rowing", i);
        add(ix, id, "2021-03-03", body);
    }
    add(ix, "p5", "2021-03-03", "parallel entry five rewritten about sailing");
    assert_int_equal(izde_indexer_delete(ix, "p1", 2, NULL, NULL), IZDE_ERR_INVALID_ARG);
    uint32_t gen = 0;
    izde_error err;
    if (izde_indexer_finish(ix, &gen, &err) != IZDE_OK)
        fail_msg("finish: %s", err.msg);
    const izde_index_stats *st = izde_indexer_stats(ix);
    assert_int_equal(st->added, 200);
    assert_int_equal(st->updated, 1);
    izde_indexer_close(ix);
    assert_int_equal(count(dir, "parallel"), 200);
    assert_int_equal(count(dir, "sailing"), 1);
    assert_int_equal(count(dir, "rowing"), 199);
    /* no shard folders are left behind */
    char *tmp = izde_gen_path(dir, gen);
    size_t n = strlen(tmp) + 8;
    char *shards = malloc(n);
    snprintf(shards, n, "%s.tmp", tmp);
    struct stat sb;
    assert_int_not_equal(stat(shards, &sb), 0);
    free(shards);
    free(tmp);
}

/* Spelling suggestion for word in the live generation of dir (caller frees). */
/* The dictionary's suggestion for word, asked as a search asks it: with the word's key, the
 * answer a key too (izde/spelling_keys.h). */
static char *suggest(const char *dir, const char *word)
{
    izde_xreader *r = NULL;
    izde_error err;
    char key[256], *found = NULL, *out = calloc(1, 512);
    size_t kl = store_spelling_key(word, strlen(word), key);
    if (kl == 0 || izde_xreader_open(dir, &r, &err) != IZDE_OK ||
        izde_xreader_spelling(r, key, kl, 2, &found, &err) != IZDE_OK)
        fail_msg("spelling %s: %s", word, err.msg);
    izde_xreader_close(r);
    if (found[0] && store_spelling_word(found, strlen(found), out) == 0)
        fail_msg("spelling %s: the dictionary holds %s, not a key", word, found);
    free(found);
    return out;
}

static void add_rowing(izde_indexer *ix, int n)
{
    char id[32], body[96];
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "s%d", i);
        snprintf(body, sizeof body, "entry %d about rowing and regattas", i);
        add(ix, id, "2021-03-03", body);
    }
}

/* The spelling dictionary's keys: a letter of the Cyrillic alphabets izde reads is one byte
 * that UTF-8 never has alone, every other character keeps its bytes, keys sort as their words
 * do, and each key gives its word back. */
static void test_spelling_keys_one_byte_a_letter(void **state)
{
    (void)state;
    static const char *const words[] = {"гребля",   "жағалау", "қайықшы", "ёлка", "їжак", "ўсход",
                                        "ґанок",    "әуе",     "өзен",    "һәм",  "ұлт",  "үй",
                                        "covid-19", "café",    "ӄала",    "яя",   "ёё"};
    size_t n = sizeof words / sizeof words[0];
    char key[64], word[128], prev_key[64] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]), kl = store_spelling_key(words[i], len, key);
        assert_true(kl > 0 && kl <= len);
        size_t wl = store_spelling_word(key, kl, word);
        assert_int_equal(wl, len);
        assert_memory_equal(word, words[i], len);
    }
    /* every code point of the Cyrillic block gives itself back; the alphabets' lower-case
     * letters take one byte, from 0x80 to 0xBF */
    int one_byte = 0;
    for (uint32_t cp = 0x400; cp <= 0x4FF; cp++) {
        char utf8[4];
        size_t len = izde_utf8_encode(cp, utf8), kl = store_spelling_key(utf8, len, key);
        assert_int_equal(store_spelling_word(key, kl, word), len);
        assert_memory_equal(word, utf8, len);
        if (kl == 1) {
            assert_true((unsigned char)key[0] >= 0x80 && (unsigned char)key[0] <= 0xBF);
            one_byte++;
        }
        /* keys sort as their words: code point order */
        key[kl] = '\0';
        assert_true(strcmp(prev_key, key) < 0 || kl > 1);
        if (kl == 1)
            memcpy(prev_key, key, 2);
    }
    assert_int_equal(one_byte, 46); /* а-я, ё є і ї ў ґ, ғ қ ң ү ұ һ ә ө */
    assert_int_equal(store_spelling_key("\xff", 1, key), 0);    /* not UTF-8 */
    assert_int_equal(store_spelling_key("\xd0", 1, key), 0);    /* cut short */
    assert_int_equal(store_spelling_word("a\xbf", 2, word), 0); /* no letter's byte */
    assert_int_equal(store_spelling_word("", 0, word), 0);
}

/* The dictionary comes from the finished vocabulary in a rebuild (one writer or shards) and
 * from each batch's words in an incremental run; each way it must suggest indexed words. */
static void test_spelling_dictionary_every_way(void **state)
{
    const char *dir = *state;
    for (unsigned jobs = 1; jobs <= 3; jobs += 2) {
        izde_indexer *ix = open_ix_jobs(dir, 1, 4, jobs);
        add_rowing(ix, 20);
        finish(ix);
        char *got = suggest(dir, "rowinh");
        assert_string_equal(got, "rowing");
        free(got);
        got = suggest(dir, "regatas");
        assert_string_equal(got, "regattas");
        free(got);
    }
    izde_indexer *ix = open_ix(dir, 0, 2);
    add(ix, "n1", "2021-03-04", "a new word: kayaking");
    finish(ix);
    char *got = suggest(dir, "kayakinh");
    assert_string_equal(got, "kayaking");
    free(got);
}

/* A rebuild splits the dictionary over its writers at equal shares of bytes, and Cyrillic
 * words (two bytes a letter) sort after Latin ones: whatever the split, every word is in it
 * once, the ones at the parts' edges too. */
static void test_spelling_dictionary_split_by_bytes(void **state)
{
    const char *dir = *state;
    static const char *const words[][2] = {
        {"canoeing", "canoeinq"}, {"harbour", "harbouq"}, {"lighthouse", "lighthousq"},
        {"regattas", "regattaq"}, {"гребля", "гребла"},   {"лодочник", "лодочниа"},
        {"пристань", "пристана"}, {"қайықшы", "қайықша"}, {"жағалау", "жағалаа"},
    };
    size_t n = sizeof words / sizeof words[0];
    for (unsigned jobs = 1; jobs <= 4; jobs++) {
        izde_indexer *ix = open_ix_jobs(dir, 1, 4, jobs);
        char id[16];
        for (size_t i = 0; i < n; i++) {
            snprintf(id, sizeof id, "w%zu", i);
            add(ix, id, "2021-03-03", words[i][0]);
        }
        finish(ix);
        for (size_t i = 0; i < n; i++) {
            char *got = suggest(dir, words[i][1]);
            if (strcmp(got, words[i][0]) != 0)
                fail_msg("%u writers: %s suggests \"%s\", not %s", jobs, words[i][1], got,
                         words[i][0]);
            free(got);
        }
    }
}

static izde_status collect(const char *word, size_t len, uint32_t count, void *ctx, izde_error *err)
{
    (void)err;
    char *out = ctx;
    assert_int_equal(strlen(word), len);
    sprintf(out + strlen(out), "%s=%u ", word, (unsigned)count);
    return IZDE_OK;
}

static void test_word_counts(void **state)
{
    (void)state;
    word_counts *wc = index_word_counts_new();
    assert_non_null(wc);
    izde_error err;
    assert_int_equal(index_word_counts_add(wc, "beta", 4, 1, &err), IZDE_OK);
    assert_int_equal(index_word_counts_add(wc, "alpha", 5, 2, &err), IZDE_OK);
    assert_int_equal(index_word_counts_add(wc, "betamax", 4, 3, &err), IZDE_OK); /* "beta" again */
    assert_int_equal(index_word_counts_add(wc, "gamma", 5, 0, &err), IZDE_OK);   /* nothing */
    char out[256] = "";
    assert_int_equal(index_word_counts_each(wc, collect, out, &err), IZDE_OK);
    assert_string_equal(out, "beta=4 alpha=2 ");
    /* Past the first table size, every word keeps its own count, in first-seen order. */
    char w[16];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 5000; i++) {
            int n = snprintf(w, sizeof w, "w%d", i);
            assert_int_equal(index_word_counts_add(wc, w, (size_t)n, 1, &err), IZDE_OK);
        }
    assert_int_equal(index_word_counts_size(wc), 5002);
    out[0] = '\0';
    index_word_counts_clear(wc);
    assert_int_equal(index_word_counts_size(wc), 0);
    assert_int_equal(index_word_counts_add(wc, "w4999", 5, 1, &err), IZDE_OK);
    assert_int_equal(index_word_counts_each(wc, collect, out, &err), IZDE_OK);
    assert_string_equal(out, "w4999=1 ");
    index_word_counts_free(wc);
    index_word_counts_free(NULL);
}

static void test_lock_refuses_second_holder(void **state)
{
    const char *dir = *state;
    int fd1 = -1, fd2 = -1;
    izde_error err;
    assert_int_equal(izde_gen_lock(dir, &fd1, &err), IZDE_OK);
    pid_t pid = fork();
    if (pid == 0)
        _exit(izde_gen_lock(dir, &fd2, NULL) == IZDE_ERR_DB_LOCKED ? 0 : 1);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    izde_gen_unlock(fd1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wrapper_errors, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_incremental_update_unchanged_delete, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_entry_counted_not_indexed, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_index_format_is_checked, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_sharded_index, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_word_with_latin_i, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_switches_atomically_and_rolls_back,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_unfinished_runs_keep_last_commit, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_long_entries_commit_by_size, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_kill_9_leaves_index_usable, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_parallel_rebuild_merges_shards, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_lock_refuses_second_holder, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test(test_spelling_keys_one_byte_a_letter),
        cmocka_unit_test_setup_teardown(test_spelling_dictionary_every_way, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_spelling_dictionary_split_by_bytes, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test(test_word_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
