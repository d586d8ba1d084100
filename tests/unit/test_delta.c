/* The delta database of an unsharded index (lib/index/delta.h): incremental sessions write new
 * and changed entries into it and hide the main database's old versions; every read skips
 * them; past its limit a session folds it in; sessions cut short at either of its two commits
 * or in the middle of a fold leave nothing lost and are healed by the next session. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <izde/fs.h>
#include <izde/generations.h>
#include <izde/indexer.h>
#include <izde/schema.h>
#include <izde/search.h>
#include <izde/xapian.h>

#include "test_support.h"

static izde_indexer *session(const char *dir, uint32_t delta_max, int in_place)
{
    izde_index_opts o = {.delta_max = delta_max, .in_place = in_place};
    izde_indexer *ix = NULL;
    izde_error err;
    if (izde_indexer_open(dir, &o, &ix, &err) != IZDE_OK)
        fail_msg("indexer open: %s", err.msg);
    return ix;
}

static void add(izde_indexer *ix, const char *id, const char *body)
{
    izde_entry *e = izde_entry_new();
    assert_non_null(e);
    e->id = strdup(id);
    e->body = strdup(body);
    e->date = strdup("2021-05-05");
    assert_int_equal(izde_date_parse(e->date, strlen(e->date), &e->day, NULL), IZDE_OK);
    izde_error err;
    if (izde_indexer_add(ix, e, &err) != IZDE_OK)
        fail_msg("add %s: %s", id, err.msg);
    izde_entry_free(e);
}

static void finish(izde_indexer *ix)
{
    izde_error err;
    if (izde_indexer_finish(ix, NULL, &err) != IZDE_OK)
        fail_msg("finish: %s", err.msg);
    izde_indexer_close(ix);
}

static uint32_t count(const char *dir, const char *query)
{
    izde_searcher *s = NULL;
    izde_error err;
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = query;
    uint32_t n = 0;
    if (izde_searcher_open(dir, &s, &err) != IZDE_OK ||
        izde_search_count(s, &req, &n, &err) != IZDE_OK)
        fail_msg("count %s: %s", query, err.msg);
    izde_searcher_close(s);
    return n;
}

/* The stored body of entry id, or NULL when there is none. Caller frees. */
static char *body_of(const char *dir, const char *id)
{
    izde_searcher *s = NULL;
    izde_entry *e = NULL;
    izde_error err;
    assert_int_equal(izde_searcher_open(dir, &s, &err), IZDE_OK);
    izde_status st = izde_searcher_get_entry(s, id, strlen(id), &e, &err);
    char *body = st == IZDE_OK ? strdup(e->body) : NULL;
    if (st != IZDE_OK && st != IZDE_ERR_NOT_FOUND)
        fail_msg("get %s: %s", id, err.msg);
    izde_entry_free(e);
    izde_searcher_close(s);
    return body;
}

static int count_entry(void *ctx, const izde_entry *e)
{
    (void)e;
    ++*(int *)ctx;
    return 0;
}

static uint32_t entries_of(const char *dir)
{
    izde_searcher *s = NULL;
    izde_error err;
    izde_index_info info;
    assert_int_equal(izde_searcher_open(dir, &s, &err), IZDE_OK);
    assert_int_equal(izde_searcher_info(s, &info, &err), IZDE_OK);
    izde_searcher_close(s);
    return info.entries;
}

/* Entries an export walks, and the entries the index says it has. */
static void assert_entries(const char *dir, uint32_t want)
{
    izde_searcher *s = NULL;
    izde_error err;
    int walked = 0;
    assert_int_equal(entries_of(dir), want);
    assert_int_equal(izde_searcher_open(dir, &s, &err), IZDE_OK);
    assert_int_equal(izde_searcher_each_entry(s, count_entry, &walked, &err), IZDE_OK);
    izde_searcher_close(s);
    assert_int_equal(walked, (int)want);
}

/* dir/gen-000001 (the main database) or its delta, with suffix "" or "/delta". */
static char *db_path(const char *dir, const char *suffix)
{
    size_t n = strlen(dir) + 32;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/gen-000001%s", dir, suffix);
    return p;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Entries a,b,c in the main database, then a session that changes b, adds d and deletes c. */
static void build_with_delta(const char *dir, uint32_t delta_max)
{
    izde_indexer *ix = session(dir, 0, 0); /* a new index: built in place */
    add(ix, "a", "The swimmer crossed the lake");
    add(ix, "b", "Boxing champions in Almaty");
    add(ix, "c", "Спортсмены из Казахстана");
    finish(ix);
    ix = session(dir, delta_max, 0);
    add(ix, "a", "The swimmer crossed the lake"); /* unchanged */
    add(ix, "b", "Wrestling champions in Shymkent");
    add(ix, "d", "A new swimmer story");
    int found = 0;
    assert_int_equal(izde_indexer_delete(ix, "c", 1, &found, NULL), IZDE_OK);
    assert_true(found);
    const izde_index_stats *st = izde_indexer_stats(ix);
    assert_int_equal(st->unchanged, 1);
    assert_int_equal(st->updated, 1);
    assert_int_equal(st->added, 1);
    assert_int_equal(st->deleted, 1);
    finish(ix);
}

/* What every test expects the index to answer after build_with_delta(), which left it
 * with `entries` entries. */
static void assert_changed(const char *dir, uint32_t entries)
{
    assert_int_equal(count(dir, "swimmer"), 2);
    assert_int_equal(count(dir, "boxing"), 0);
    assert_int_equal(count(dir, "wrestling"), 1);
    assert_int_equal(count(dir, "спортсменов"), 0);
    assert_int_equal(count(dir, "champions"), 1);
    char *b = body_of(dir, "b"), *c = body_of(dir, "c");
    assert_string_equal(b, "Wrestling champions in Shymkent");
    assert_null(c);
    free(b);
    assert_entries(dir, entries);
}

static void assert_stub_lines(const char *dir, int want)
{
    char *path = malloc(strlen(dir) + 16);
    assert_non_null(path);
    sprintf(path, "%s/XAPIANDB", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int lines = 0, ch;
    while ((ch = fgetc(f)) != EOF)
        lines += ch == '\n';
    fclose(f);
    free(path);
    assert_int_equal(lines, want);
}

static void test_changes_go_to_the_delta(void **state)
{
    const char *dir = *state;
    build_with_delta(dir, 0);
    char *main_db = db_path(dir, ""), *delta = db_path(dir, "/delta");
    assert_true(exists(delta));
    assert_stub_lines(dir, 2);
    /* the main database alone: its old b and c hidden, a visible; the delta: b and d */
    assert_int_equal(tmpdb_docs(main_db), 1);
    assert_int_equal(tmpdb_docs(delta), 2);
    assert_changed(dir, 3);
    /* the next change of b replaces the delta's version */
    izde_indexer *ix = session(dir, 0, 0);
    add(ix, "b", "Fencing champions in Aktobe");
    finish(ix);
    assert_int_equal(count(dir, "wrestling"), 0);
    assert_int_equal(count(dir, "fencing"), 1);
    assert_entries(dir, 3);
    free(main_db);
    free(delta);
}

static void test_delta_is_folded_past_its_limit(void **state)
{
    const char *dir = *state;
    build_with_delta(dir, 2); /* b and d: not more than 2 */
    char *delta = db_path(dir, "/delta");
    assert_true(exists(delta));
    izde_indexer *ix = session(dir, 2, 0);
    add(ix, "e", "Cyclists reach the finish");
    finish(ix); /* three in the delta: folded */
    assert_false(exists(delta));
    assert_stub_lines(dir, 1);
    assert_changed(dir, 4);
    assert_int_equal(count(dir, "cyclists"), 1);
    /* the main database holds them all, nothing hidden */
    char *main_db = db_path(dir, "");
    izde_xwriter *w = NULL;
    uint32_t *hidden = NULL, docs = 0;
    size_t n_hidden = 0;
    assert_int_equal(izde_xwriter_open(main_db, 0, &w, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_hidden(w, &hidden, &n_hidden, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_doccount(w, &docs, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_close(w, NULL), IZDE_OK);
    assert_int_equal(n_hidden, 0);
    assert_int_equal(docs, 4);
    free(main_db);
    free(delta);
}

static void test_writing_in_place_folds_the_delta_first(void **state)
{
    const char *dir = *state;
    build_with_delta(dir, 0);
    izde_indexer *ix = session(dir, 0, 1);
    add(ix, "d", "A new swimmer story"); /* unchanged: its version in the delta counts */
    assert_int_equal(izde_indexer_stats(ix)->unchanged, 1);
    finish(ix);
    char *delta = db_path(dir, "/delta");
    assert_false(exists(delta));
    assert_changed(dir, 3);
    free(delta);
}

/* Hidden list of the main database replaced by ids[0..n). */
static void set_hidden(const char *dir, const uint32_t *ids, size_t n)
{
    char *main_db = db_path(dir, "");
    izde_xwriter *w = NULL;
    assert_int_equal(izde_xwriter_open(main_db, 0, &w, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_set_hidden(w, ids, n, 0, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_close(w, NULL), IZDE_OK);
    free(main_db);
}

/* A session stopped after the delta's commit and before the main database's: the old versions
 * are visible beside the new ones (nothing is lost), and the next session hides them again. */
static void test_session_cut_between_commits_is_healed(void **state)
{
    const char *dir = *state;
    build_with_delta(dir, 0);
    set_hidden(dir, NULL, 0);
    assert_int_equal(count(dir, "boxing"), 1);
    assert_int_equal(count(dir, "wrestling"), 1);
    izde_indexer *ix = session(dir, 0, 0);
    add(ix, "b", "Wrestling champions in Shymkent"); /* as before: unchanged */
    int found = 0;
    assert_int_equal(izde_indexer_delete(ix, "c", 1, &found, NULL), IZDE_OK);
    assert_true(found);
    assert_int_equal(izde_indexer_stats(ix)->unchanged, 1);
    finish(ix);
    assert_changed(dir, 3);
}

/* A delta's ids start above the main database's last one, and the main database records
 * that beside its hidden list (IZDE_X_META_HIDDEN_FLOOR): searches then tell a hidden document
 * by its id alone. */
static void test_delta_ids_lie_above_main(void **state)
{
    const char *dir = *state;
    build_with_delta(dir, 0);
    char *main_db = db_path(dir, ""), *delta = db_path(dir, "/delta"), *recorded = NULL;
    izde_xwriter *w = NULL, *d = NULL;
    uint32_t last = 0, floor = 0;
    assert_int_equal(izde_xwriter_open(main_db, 0, &w, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_open(delta, 0, &d, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_last_docid(w, &last, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_docid_floor(d, &floor, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_metadata(w, IZDE_X_META_HIDDEN_FLOOR, &recorded, NULL), IZDE_OK);
    assert_int_equal(last, 3);
    assert_int_equal(floor, 3);
    assert_int_equal(strtoul(recorded, NULL, 10), floor);
    assert_int_equal(izde_xwriter_close(d, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_close(w, NULL), IZDE_OK);
    free(recorded);
    free(main_db);
    free(delta);
}

/* A delta whose ids are the main database's too (written before deltas started above it): the
 * hidden ids are not told apart by id, and every read still skips exactly the hidden ones. */
static void test_delta_sharing_ids_with_main(void **state)
{
    const char *dir = *state;
    build_with_delta(dir, 0);
    char *delta = db_path(dir, "/delta");
    izde_xwriter *d = NULL;
    set_hidden(dir, NULL, 0);
    assert_int_equal(izde_fs_remove_tree(delta, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_open(delta, IZDE_XWRITER_CREATE, &d, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_close(d, NULL), IZDE_OK);
    izde_indexer *ix = session(dir, 0, 0);
    add(ix, "a", "The swimmer crossed the lake");
    add(ix, "b", "Wrestling champions in Shymkent"); /* delta id 1; main's 2 hidden */
    add(ix, "d", "A new swimmer story");             /* delta id 2 */
    int found = 0;
    assert_int_equal(izde_indexer_delete(ix, "c", 1, &found, NULL), IZDE_OK);
    finish(ix);
    assert_changed(dir, 3);
    free(delta);
}

/* A fold stopped after the main database took the delta in and before the delta was removed:
 * the next session removes it, and the index answers as before. */
static void test_fold_cut_short_is_finished(void **state)
{
    const char *dir = *state;
    build_with_delta(dir, 0);
    char *main_db = db_path(dir, ""), *delta = db_path(dir, "/delta"), uuid[37];
    izde_xwriter *w = NULL, *d = NULL;
    uint32_t *hidden = NULL;
    size_t n_hidden = 0;
    assert_int_equal(izde_xwriter_open(main_db, 0, &w, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_open(delta, 0, &d, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_uuid(d, uuid, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_hidden(w, &hidden, &n_hidden, NULL), IZDE_OK);
    assert_int_equal(n_hidden, 2);
    assert_int_equal(izde_xwriter_delete_docids(w, hidden, n_hidden, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_absorb(w, d, IZDE_PREFIX_ID, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_set_hidden(w, NULL, 0, 0, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_set_metadata(w, IZDE_META_FOLDED, uuid, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_close(w, NULL), IZDE_OK);
    assert_int_equal(izde_xwriter_close(d, NULL), IZDE_OK);
    free(hidden);
    /* in both, until the next session (searches show one of two copies: lib/search/copies.h) */
    assert_int_equal(entries_of(dir), 5);
    izde_indexer *ix = session(dir, 0, 0);
    finish(ix);
    assert_changed(dir, 3);
    assert_int_equal(tmpdb_docs(delta), 0); /* a new, empty one */
    free(main_db);
    free(delta);
}

/* A searcher open on the index follows a delta appearing and being folded away. */
static void test_searcher_follows_delta_changes(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = session(dir, 0, 0);
    add(ix, "a", "The swimmer crossed the lake");
    finish(ix);
    izde_searcher *s = NULL;
    izde_error err;
    assert_int_equal(izde_searcher_open(dir, &s, &err), IZDE_OK);
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "rower";
    uint32_t n = 0;
    assert_int_equal(izde_search_count(s, &req, &n, &err), IZDE_OK);
    assert_int_equal(n, 0);
    ix = session(dir, 1, 0);
    add(ix, "r", "A rower on the river");
    finish(ix); /* a delta of one */
    int changed = 0;
    assert_int_equal(izde_searcher_refresh(s, &changed, &err), IZDE_OK);
    assert_true(changed);
    assert_int_equal(izde_search_count(s, &req, &n, &err), IZDE_OK);
    assert_int_equal(n, 1);
    ix = session(dir, 1, 0);
    add(ix, "r2", "Another rower on the lake");
    finish(ix); /* two: folded */
    assert_int_equal(izde_searcher_refresh(s, &changed, &err), IZDE_OK);
    assert_true(changed);
    assert_int_equal(izde_search_count(s, &req, &n, &err), IZDE_OK);
    assert_int_equal(n, 2);
    izde_searcher_close(s);
}

/* A daemon's writer session commits with journal numbers and never finishes: it folds its
 * delta when a commit takes it past the limit, then goes on in a new one. */
static void test_long_session_folds_at_a_commit(void **state)
{
    const char *dir = *state;
    izde_indexer *ix = session(dir, 0, 0);
    add(ix, "a", "The swimmer crossed the lake");
    finish(ix);
    ix = session(dir, 2, 0);
    char *delta = db_path(dir, "/delta");
    const char *words[] = {"rower", "cyclist", "fencer", "archer"};
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "w%d", i);
        add(ix, id, words[i]);
        izde_error err;
        if (izde_indexer_commit_journal(ix, (uint64_t)i + 1, &err) != IZDE_OK)
            fail_msg("commit %d: %s", i, err.msg);
        assert_int_equal(count(dir, words[i]), 1); /* searchable at once, folded or not */
    }
    assert_int_equal(tmpdb_docs(delta), 1); /* three folded at the third commit, one new */
    izde_indexer_close(ix);
    assert_entries(dir, 5);
    assert_int_equal(izde_indexer_journal_seq(ix = session(dir, 0, 0)), 4);
    izde_indexer_close(ix);
    free(delta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_changes_go_to_the_delta, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_delta_is_folded_past_its_limit, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_writing_in_place_folds_the_delta_first, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_session_cut_between_commits_is_healed, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_delta_ids_lie_above_main, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_delta_sharing_ids_with_main, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_fold_cut_short_is_finished, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_long_session_folds_at_a_commit, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_searcher_follows_delta_changes, tmpdir_setup,
                                        tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
