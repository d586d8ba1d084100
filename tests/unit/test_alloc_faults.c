/* Allocation failure injection: the test binary is linked with --wrap for malloc, calloc,
 * realloc, strdup and strndup, so every allocation the library makes passes through the hooks
 * below; the Nth one fails when armed. The allocations inside Xapian, ICU and jansson are their
 * own (a std::bad_alloc from Xapian is caught by the wrapper's one exception map like any of
 * its errors). For every N over a whole indexing run (reading a JSONL
 * file, tokenising, stemming, writing, committing) and a whole query (parse, build, run,
 * snippets, JSON), the run must end in an error or in success, never a crash or a leak, and
 * the index must afterwards hold exactly what it held before the run, or exactly what the run
 * adds: nothing half-written. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <izde/indexer.h>
#include <izde/search.h>
#include <izde/walk.h>

#include "test_support.h"

/* ---- the hooks ---------------------------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static unsigned long fail_at; /* 0: disarmed */
static unsigned long allocs;  /* allocations since armed */
static int failed;            /* the armed allocation was reached and failed */

static int should_fail(void)
{
    if (!fail_at)
        return 0;
    if (++allocs != fail_at)
        return 0;
    failed = 1;
    errno = ENOMEM;
    return 1;
}

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return should_fail() ? NULL : __real_strndup(s, n);
}

static void arm(unsigned long n)
{
    allocs = 0;
    failed = 0;
    fail_at = n;
}

static void disarm(void)
{
    fail_at = 0;
}

/* ---- an index run and a query ------------------------------------------------------------- */

static const char base_entries[] =
    "{\"id\":\"a1\",\"lang\":\"en\",\"date\":\"2021-07-30\",\"title\":\"Swimmers in Tokyo\","
    "\"body\":\"The swimmers trained for the Olympic final in Tokyo.\",\"tags\":[\"sport\"]}\n"
    "{\"id\":\"a2\",\"lang\":\"ru\",\"title\":\"Пловцы\",\"body\":\"Спортсмены готовятся к "
    "Олимпийским играм.\"}\n";

static const char run_entries[] =
    "{\"id\":\"b1\",\"lang\":\"kk\",\"date\":\"2019-03-18\",\"title\":\"Қазақстан спортшылары\","
    "\"body\":\"Қазақстанның жүзгіштері Олимпиада ойындарына дайындалып жатыр.\"}\n"
    "{\"id\":\"a1\",\"lang\":\"en\",\"date\":\"2021-07-30\",\"title\":\"Swimmers in Tokyo\","
    "\"body\":\"The swimmers trained hard for the Olympic final in Tokyo, the coach said.\"}\n"
    "{\"id\":\"b2\",\"lang\":\"en\",\"body\":\"A swimmer's record at the \\\"Games\\\".\"}\n";

static void ignore_msg(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

/* Indexes the JSONL file path into db; returns the status of the whole run. */
static izde_status index_run(const char *db, const char *path, int rebuild)
{
    izde_error err = {0};
    izde_index_opts opts = {.rebuild = rebuild, .jobs = 1, .no_synonyms = 1};
    izde_indexer *ix = NULL;
    izde_status st = izde_indexer_open(db, &opts, &ix, &err);
    if (st != IZDE_OK)
        return st;
    volatile sig_atomic_t stop = 0;
    izde_walk w = {.ix = ix, .stop = &stop, .reject = ignore_msg, .warn = ignore_msg};
    if (!izde_walk_path(&w, path))
        st = w.fatal ? w.error.code : IZDE_ERR_INTERNAL;
    if (st == IZDE_OK && izde_indexer_stats(ix)->rejected)
        st = IZDE_ERR_INVALID_ARG; /* a failed allocation must not pass for a bad entry */
    if (st == IZDE_OK)
        st = izde_indexer_finish(ix, NULL, &err);
    izde_indexer_close(ix);
    return st;
}

/* The index's entries as "id:body-length" lines, sorted by id: a fingerprint of its state,
 * filled by state_of() (which fails the test when the index cannot be read). */
typedef struct listing {
    char text[4096];
    size_t len;
} listing;

static int list_entry(void *ctx, const izde_entry *e)
{
    listing *l = ctx;
    int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s:%zu\n", e->id, strlen(e->body));
    l->len += n > 0 ? (size_t)n : 0;
    return 0;
}

static void state_of(const char *db, listing *out)
{
    izde_error err = {0};
    izde_searcher *s = NULL;
    memset(out, 0, sizeof *out);
    assert_int_equal(izde_searcher_open(db, &s, &err), IZDE_OK);
    izde_status st = izde_searcher_each_entry(s, list_entry, out, &err);
    if (st != IZDE_OK)
        print_message("each_entry: %s\n", err.msg);
    assert_int_equal(st, IZDE_OK);
    izde_searcher_close(s);
}

/* Runs the query of every kind of work (stems, phrase, snippets, facets, JSON); returns its
 * status and, on success, the JSON in *out (caller frees). */
static izde_status run_query(izde_searcher *s, char **out)
{
    izde_error err = {0};
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "swimmers OR \"олимпийским играм\" OR қазақстан* NEAR/5 ойындарына";
    req.facets = 1;
    izde_results *r = NULL;
    size_t len = 0;
    *out = NULL;
    izde_status st = izde_search(s, &req, &r, &err);
    if (st == IZDE_OK)
        st = izde_results_to_json(r, out, &len, &err);
    izde_results_free(r);
    return st;
}

typedef struct fixture {
    char *dir, *base_file, *run_file, *db;
    listing before, after;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make();
    f->base_file = write_file(f->dir, "base.jsonl", base_entries, sizeof base_entries - 1);
    f->run_file = write_file(f->dir, "run.jsonl", run_entries, sizeof run_entries - 1);
    size_t n = strlen(f->dir) + 16;
    f->db = malloc(n);
    snprintf(f->db, n, "%s/db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tmpdir_remove(f->dir);
    free(f->base_file);
    free(f->run_file);
    free(f->db);
    free(f);
    return 0;
}

/* A fresh index holding the base entries (a rebuild replaces whatever was there). */
static void reset_index(fixture *f)
{
    assert_int_equal(index_run(f->db, f->base_file, 1), IZDE_OK);
}

static void test_every_allocation_of_an_index_run(void **state)
{
    fixture *f = *state;
    for (int rebuild = 0; rebuild <= 1; rebuild++) {
        reset_index(f);
        state_of(f->db, &f->before);
        assert_int_equal(index_run(f->db, f->run_file, rebuild), IZDE_OK);
        state_of(f->db, &f->after);
        assert_string_not_equal(f->before.text, f->after.text);
        unsigned long n = 1, failures = 0;
        for (;; n++) {
            reset_index(f);
            arm(n);
            izde_status st = index_run(f->db, f->run_file, rebuild);
            disarm();
            if (!failed) {
                assert_int_equal(st, IZDE_OK); /* past the last allocation */
                break;
            }
            listing now;
            state_of(f->db, &now);
            if (st == IZDE_OK) {
                assert_string_equal(now.text, f->after.text); /* the failure was absorbed */
            } else {
                failures++;
                if (strcmp(now.text, f->before.text))
                    print_message("N=%lu st=%d\n", n, (int)st);
                assert_string_equal(now.text, f->before.text); /* nothing half-written */
            }
        }
        print_message("      %s run: %lu allocations, each failed in turn (%lu runs failed "
                      "cleanly, the rest absorbed it)\n",
                      rebuild ? "rebuild" : "incremental", n - 1, failures);
        assert_true(n > 50 && failures > 0);
    }
}

static void test_every_allocation_of_a_query(void **state)
{
    fixture *f = *state;
    reset_index(f);
    assert_int_equal(index_run(f->db, f->run_file, 0), IZDE_OK);
    izde_error err = {0};
    izde_searcher *s = NULL;
    assert_int_equal(izde_searcher_open(f->db, &s, &err), IZDE_OK);
    char *expected = NULL;
    assert_int_equal(run_query(s, &expected), IZDE_OK);
    unsigned long n = 1, failures = 0;
    for (;; n++) {
        char *json = NULL;
        arm(n);
        izde_status st = run_query(s, &json);
        disarm();
        if (!failed) {
            assert_int_equal(st, IZDE_OK);
            free(json);
            break;
        }
        if (st == IZDE_OK) {
            assert_non_null(json);
        } else {
            failures++;
            assert_null(json);
        }
        free(json);
        /* the searcher stays usable after every failure */
        char *again = NULL;
        assert_int_equal(run_query(s, &again), IZDE_OK);
        free(again);
    }
    print_message("      query: %lu allocations, each failed in turn (%lu failed cleanly)\n", n - 1,
                  failures);
    assert_true(n > 20 && failures > 0);
    free(expected);
    izde_searcher_close(s);
}

int main(void)
{

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_of_an_index_run),
        cmocka_unit_test(test_every_allocation_of_a_query),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
