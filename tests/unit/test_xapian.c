/* The Xapian wrapper (izde/xapian.h): what each call answers when it works, and that it
 * answers an error, never 0 or a crash, when the database under it fails: a writer whose
 * folder was removed, a reader whose table files were cut short or overwritten. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <izde/xapian.h>

#include "test_support.h"

#define N_DOCS 400

/* dir/name. Caller frees. */
static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* A database in folder dir with N_DOCS documents: "Q<i>" each, "word<i>" and "common"
 * (positional), data "doc <i>". Enough terms that the posting table spans many blocks. */
static void write_db(const char *dir)
{
    izde_error err = {0};
    izde_xwriter *w = NULL;
    izde_xdoc *d = NULL;
    assert_int_equal(izde_xwriter_open(dir, IZDE_XWRITER_CREATE, &w, &err), IZDE_OK);
    assert_int_equal(izde_xdoc_new(&d, &err), IZDE_OK);
    for (int i = 0; i < N_DOCS; i++) {
        char id[32], word[32], data[32];
        int il = snprintf(id, sizeof id, "Q%d", i), wl = snprintf(word, sizeof word, "word%d", i),
            dl = snprintf(data, sizeof data, "doc %d", i);
        assert_int_equal(izde_xdoc_clear(d, &err), IZDE_OK);
        assert_int_equal(izde_xdoc_add_boolean_term(d, id, (size_t)il, &err), IZDE_OK);
        for (uint32_t pos = 1; pos <= 20; pos++)
            assert_int_equal(izde_xdoc_add_posting(d, word, (size_t)wl, pos, 1, &err), IZDE_OK);
        assert_int_equal(izde_xdoc_add_posting(d, "common", 6, 21, 1, &err), IZDE_OK);
        assert_int_equal(izde_xdoc_set_data(d, data, (size_t)dl, &err), IZDE_OK);
        assert_int_equal(izde_xwriter_replace(w, id, (size_t)il, d, &err), IZDE_OK);
    }
    assert_int_equal(izde_xwriter_set_metadata(w, "k", "v", &err), IZDE_OK);
    izde_xdoc_free(d);
    assert_int_equal(izde_xwriter_close(w, &err), IZDE_OK);
}

/* Overwrites the table file dir/name: cut to keep bytes, or (keep < 0) every byte after the
 * first 8 KiB replaced by garbage, its size kept. */
static void damage(const char *dir, const char *name, long keep)
{
    char *p = path_in(dir, name);
    int fd = open(p, O_RDWR);
    assert_true(fd >= 0);
    if (keep >= 0) {
        assert_int_equal(ftruncate(fd, keep), 0);
    } else {
        off_t size = lseek(fd, 0, SEEK_END);
        char junk[4096];
        memset(junk, 0x5a, sizeof junk);
        for (off_t at = 8192; at < size; at += (off_t)sizeof junk)
            assert_true(pwrite(fd, junk, sizeof junk, at) > 0);
    }
    close(fd);
    free(p);
}

/* Collects the docids a posting walk gives, stopping after stop_after of them. */
typedef struct docids {
    uint32_t ids[N_DOCS];
    size_t n, stop_after;
} docids;

static int collect_docid(void *ctx, uint32_t docid)
{
    docids *d = ctx;
    d->ids[d->n++] = docid;
    return d->n >= d->stop_after;
}

static void test_calls_answer_what_they_read(void **state)
{
    const char *dir = *state;
    izde_error err = {0};
    write_db(dir);
    izde_xreader *r = NULL;
    assert_int_equal(izde_xreader_open(dir, &r, &err), IZDE_OK);
    uint32_t n = 0;
    assert_int_equal(izde_xreader_doccount(r, &n, &err), IZDE_OK);
    assert_int_equal(n, N_DOCS);
    assert_int_equal(izde_xreader_termfreq(r, "common", 6, &n, &err), IZDE_OK);
    assert_int_equal(n, N_DOCS);
    assert_int_equal(izde_xreader_termfreq(r, "word7", 5, &n, &err), IZDE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(izde_xreader_termfreq(r, "absent", 6, &n, &err), IZDE_OK);
    assert_int_equal(n, 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(izde_xreader_data_by_term(r, "Q42", 3, &data, &len, &err), IZDE_OK);
    assert_string_equal(data, "doc 42");
    free(data);
    /* postings in docid order; the walk stops when asked */
    docids d = {.stop_after = N_DOCS};
    assert_int_equal(izde_xreader_postings(r, "common", 6, collect_docid, &d, &err), IZDE_OK);
    assert_int_equal(d.n, N_DOCS);
    for (size_t i = 0; i < d.n; i++)
        assert_int_equal(d.ids[i], i + 1);
    d = (docids){.stop_after = 3};
    assert_int_equal(izde_xreader_postings(r, "common", 6, collect_docid, &d, &err), IZDE_OK);
    assert_int_equal(d.n, 3);
    d = (docids){.stop_after = N_DOCS};
    assert_int_equal(izde_xreader_postings(r, "word7", 5, collect_docid, &d, &err), IZDE_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.ids[0], 8);
    d = (docids){.stop_after = N_DOCS};
    assert_int_equal(izde_xreader_postings(r, "absent", 6, collect_docid, &d, &err), IZDE_OK);
    assert_int_equal(d.n, 0);

    /* the ranking is copied out with the search: read back item by item */
    izde_xquery *q = izde_xquery_term("word42", 6, 1, 0, &err);
    assert_non_null(q);
    char *desc = NULL;
    assert_int_equal(izde_xquery_describe(q, &desc, &err), IZDE_OK);
    assert_non_null(strstr(desc, "word42"));
    free(desc);
    izde_xsearch_opts o;
    izde_xsearch_opts_init(&o);
    izde_xmset *m = NULL;
    assert_int_equal(izde_xreader_search(r, q, &o, &m, &err), IZDE_OK);
    assert_int_equal(izde_xmset_size(m), 1);
    assert_true(izde_xmset_weight(m, 0) > 0);
    assert_int_equal(izde_xmset_docid(m, 0), 43); /* added in order from 1 */
    assert_int_equal(izde_xmset_collapsed(m, 0), 0);
    assert_int_equal(izde_xmset_data(m, 0, &data, &len, &err), IZDE_OK);
    assert_string_equal(data, "doc 42");
    free(data);
    /* past the end: an error, not a read outside the results */
    assert_int_not_equal(izde_xmset_data(m, 1, &data, &len, &err), IZDE_OK);
    izde_xmset_free(m);
    izde_xquery_free(q);
    izde_xreader_close(r);
}

static void test_small_buffers_are_errors(void **state)
{
    (void)state;
    izde_error err = {0};
    char out[16];
    size_t n = 0;
    assert_int_equal(izde_x_sortable(1234.5678, out, 1, &n, &err), IZDE_ERR_INVALID_ARG);
    assert_int_equal(izde_x_sortable(1234.5678, out, sizeof out, &n, &err), IZDE_OK);
    assert_true(n > 0 && n <= 9);
    izde_xstem *s = NULL;
    assert_int_equal(izde_xstem_new("english", &s, &err), IZDE_OK);
    assert_int_equal(izde_xstem_apply(s, "swimming", 8, out, 0, &n, &err), IZDE_ERR_INVALID_ARG);
    assert_int_equal(izde_xstem_apply(s, "swimming", 8, out, sizeof out, &n, &err), IZDE_OK);
    assert_string_equal(out, "swim");
    assert_int_equal(n, 4);
    /* cut to fit, the full length still told */
    assert_int_equal(izde_xstem_apply(s, "swimming", 8, out, 3, &n, &err), IZDE_OK);
    assert_string_equal(out, "sw");
    assert_int_equal(n, 4);
    izde_xstem_free(s);
}

/* Closing commits: when the commit cannot be written, close says so (it returned nothing). */
static void test_close_reports_a_failed_commit(void **state)
{
    const char *dir = *state;
    izde_error err = {0};
    char *db = path_in(dir, "db");
    write_db(db);
    izde_xwriter *w = NULL;
    izde_xdoc *d = NULL;
    assert_int_equal(izde_xwriter_open(db, 0, &w, &err), IZDE_OK);
    assert_int_equal(izde_xdoc_new(&d, &err), IZDE_OK);
    assert_int_equal(izde_xdoc_add_term(d, "late", 4, 1, &err), IZDE_OK);
    assert_int_equal(izde_xwriter_replace(w, "Qlate", 5, d, &err), IZDE_OK);
    izde_xdoc_free(d);
    uint32_t n = 0;
    assert_int_equal(izde_xwriter_doccount(w, &n, &err), IZDE_OK);
    assert_int_equal(n, N_DOCS + 1);
    /* the folder goes away under the writer: nowhere to write the commit */
    tmpdir_remove(db);
    err.code = IZDE_OK;
    izde_status st = izde_xwriter_close(w, &err);
    assert_int_not_equal(st, IZDE_OK);
    assert_int_equal(err.code, st);
    assert_true(strlen(err.msg) > 0);
    assert_int_equal(izde_xwriter_close(NULL, &err), IZDE_OK);
    assert_int_equal(izde_xwriter_abandon(NULL, &err), IZDE_OK);
}

/* Reads through an open reader after its posting table was cut short or overwritten. */
static void check_damaged_postings(const char *dir, long keep)
{
    izde_error err = {0};
    write_db(dir);
    izde_xreader *r = NULL;
    assert_int_equal(izde_xreader_open(dir, &r, &err), IZDE_OK);
    damage(dir, "postlist.glass", keep);
    /* every term in turn: the damaged blocks are met, and each read either succeeds or says
     * why; at least one must fail */
    int failed = 0;
    for (int i = 0; i < N_DOCS; i++) {
        char word[32];
        int wl = snprintf(word, sizeof word, "word%d", i);
        uint32_t n = 0;
        err.code = IZDE_OK;
        err.msg[0] = '\0';
        izde_status st = izde_xreader_termfreq(r, word, (size_t)wl, &n, &err);
        if (st != IZDE_OK) {
            failed++;
            assert_true(st == IZDE_ERR_DB_CORRUPT || st == IZDE_ERR_IO);
            assert_true(strlen(err.msg) > 0);
        }
    }
    assert_true(failed > 0);
    izde_xreader_close(r);
    /* opened afresh: an error at the open or at the first read, never a crash */
    err.code = IZDE_OK;
    if (izde_xreader_open(dir, &r, &err) == IZDE_OK) {
        uint32_t n = 0;
        izde_status st = izde_xreader_termfreq(r, "word399", 7, &n, &err);
        assert_true(st == IZDE_ERR_DB_CORRUPT || st == IZDE_ERR_IO);
        izde_xreader_close(r);
    } else {
        assert_true(err.code == IZDE_ERR_DB_CORRUPT || err.code == IZDE_ERR_IO);
    }
}

static void test_truncated_table_is_an_error(void **state)
{
    check_damaged_postings(*state, 8192);
}

static void test_overwritten_table_is_an_error(void **state)
{
    check_damaged_postings(*state, -1);
}

/* Writes n documents "Q<first>".. into the database in folder dir, each holding the words
 * of `words` (space-separated) and, the first n_extra of them, also `extra`. */
static void write_words(const char *dir, int first, int n, const char *words, int n_extra,
                        const char *extra)
{
    izde_error err = {0};
    izde_xwriter *w = NULL;
    izde_xdoc *d = NULL;
    assert_int_equal(izde_xwriter_open(dir, IZDE_XWRITER_CREATE, &w, &err), IZDE_OK);
    assert_int_equal(izde_xdoc_new(&d, &err), IZDE_OK);
    for (int i = 0; i < n; i++) {
        char id[32];
        int il = snprintf(id, sizeof id, "Q%d", first + i);
        assert_int_equal(izde_xdoc_clear(d, &err), IZDE_OK);
        assert_int_equal(izde_xdoc_add_boolean_term(d, id, (size_t)il, &err), IZDE_OK);
        for (const char *at = words; *at;) {
            size_t len = strcspn(at, " ");
            assert_int_equal(izde_xdoc_add_posting(d, at, len, 1, 1, &err), IZDE_OK);
            at += len + (at[len] == ' ');
        }
        if (i < n_extra)
            assert_int_equal(izde_xdoc_add_posting(d, extra, strlen(extra), 2, 1, &err), IZDE_OK);
        assert_int_equal(izde_xwriter_replace(w, id, (size_t)il, d, &err), IZDE_OK);
    }
    izde_xdoc_free(d);
    assert_int_equal(izde_xwriter_close(w, &err), IZDE_OK);
}

static int append_term(void *ctx, const char *term, size_t len, uint32_t freq)
{
    char *out = ctx;
    size_t at = strlen(out);
    snprintf(out + at, 256 - at, "%.*s:%u ", (int)len, term, (unsigned)freq);
    return 0;
}

/* The 2 most frequent words beginning with "pre", as "word:freq ..." (out has 256 bytes). */
static void frequent_of(izde_xreader *r, char *out)
{
    izde_error err = {0};
    out[0] = '\0';
    assert_int_equal(izde_xreader_frequent_terms(r, "pre", 3, 2, append_term, out, &err), IZDE_OK);
}

/* A prefix's most frequent words are chosen from the frequencies summed over every shard,
 * ties in byte order: shard A (30 documents with prex, 10 of them with prey) and shard B (30
 * with prey and prez) choose as one index holding both (prey 40, then prex 30 before prez
 * 30), where each shard alone would choose otherwise. */
static void test_frequent_terms_are_those_of_all_shards(void **state)
{
    const char *dir = *state;
    char *one = path_in(dir, "one"), *a = path_in(dir, "a"), *b = path_in(dir, "b");
    write_words(a, 0, 30, "prex", 10, "prey");
    write_words(b, 30, 30, "prey prez", 0, "");
    write_words(one, 0, 30, "prex", 10, "prey");
    write_words(one, 30, 30, "prey prez", 0, "");
    izde_error err = {0};
    izde_xreader *r_one = NULL, *r_both = NULL, *r_b = NULL;
    const char *both[] = {a, b};
    assert_int_equal(izde_xreader_open(one, &r_one, &err), IZDE_OK);
    assert_int_equal(izde_xreader_open_list(both, 2, 0, &r_both, &err), IZDE_OK);
    assert_int_equal(izde_xreader_open(b, &r_b, &err), IZDE_OK);
    char want[256], got[256], shard[256];
    frequent_of(r_one, want);
    frequent_of(r_both, got);
    frequent_of(r_b, shard);
    assert_string_equal(want, "prey:40 prex:30 ");
    assert_string_equal(got, want);
    assert_string_equal(shard, "prey:30 prez:30 ");
    izde_xreader_close(r_one);
    izde_xreader_close(r_both);
    izde_xreader_close(r_b);
    free(one);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_calls_answer_what_they_read, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test(test_small_buffers_are_errors),
        cmocka_unit_test_setup_teardown(test_close_reports_a_failed_commit, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_truncated_table_is_an_error, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_overwritten_table_is_an_error, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_frequent_terms_are_those_of_all_shards, tmpdir_setup,
                                        tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
