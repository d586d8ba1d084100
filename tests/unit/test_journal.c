/* The write-ahead journal: records in order across reopening and segments, torn tails cut,
 * damaged records refused, segments dropped, and the writer lock of DIR/WRITER. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <izde/generations.h>
#include <izde/indexer.h>
#include <izde/journal.h>
#include <izde/reader.h>

#include "test_support.h"

static char *journal_dir(const char *base)
{
    size_t n = strlen(base) + 16;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/journal", base);
    return p;
}

static izde_journal *open_journal(const char *dir)
{
    izde_journal *j = NULL;
    izde_error err = {0};
    assert_int_equal(izde_journal_open(dir, &j, &err), IZDE_OK);
    return j;
}

static uint64_t append(izde_journal *j, izde_journal_kind kind, const char *text)
{
    uint64_t seq = 0;
    izde_error err = {0};
    assert_int_equal(izde_journal_append(j, kind, text, strlen(text), &seq, &err), IZDE_OK);
    assert_int_equal(izde_journal_sync(j, seq, &err), IZDE_OK);
    return seq;
}

/* Reads every record after `after` into texts ("p:payload" or "d:payload"); returns the count
 * and checks that sequence numbers follow each other from after + 1. */
static size_t read_all(izde_journal *j, uint64_t after, char texts[][64], size_t cap)
{
    izde_journal_cursor *c = NULL;
    izde_error err = {0};
    assert_int_equal(izde_journal_cursor_open(j, after, &c, &err), IZDE_OK);
    size_t n = 0;
    for (;;) {
        izde_journal_record r;
        int more = 0;
        assert_int_equal(izde_journal_next(c, &r, &more, &err), IZDE_OK);
        if (!more)
            break;
        assert_int_equal(r.seq, after + 1 + n);
        if (n < cap)
            snprintf(texts[n], 64, "%c:%.*s", r.kind == IZDE_JOURNAL_PUT ? 'p' : 'd', (int)r.len,
                     r.data);
        n++;
    }
    izde_journal_cursor_close(c);
    return n;
}

static unsigned count_segments(const char *dir)
{
    unsigned n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += strstr(de->d_name, ".log") != NULL;
    closedir(d);
    return n;
}

/* The path of the only segment in dir (caller frees). */
static char *only_segment(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    char *path = NULL;
    while ((de = readdir(d)) != NULL) {
        if (!strstr(de->d_name, ".log"))
            continue;
        assert_null(path);
        size_t n = strlen(dir) + strlen(de->d_name) + 2;
        path = malloc(n);
        snprintf(path, n, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    assert_non_null(path);
    return path;
}

static off_t file_size(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return sb.st_size;
}

static void test_append_read_reopen(void **state)
{
    char *dir = journal_dir(*state), texts[8][64];
    izde_journal *j = open_journal(dir);
    assert_int_equal(izde_journal_last_seq(j), 0);
    assert_int_equal(append(j, IZDE_JOURNAL_PUT, "{\"id\":\"a\"}"), 1);
    assert_int_equal(append(j, IZDE_JOURNAL_DELETE, "b"), 2);
    assert_int_equal(read_all(j, 0, texts, 8), 2);
    assert_string_equal(texts[0], "p:{\"id\":\"a\"}");
    assert_string_equal(texts[1], "d:b");
    assert_int_equal(read_all(j, 1, texts, 8), 1);
    assert_string_equal(texts[0], "d:b");
    izde_journal_close(j);

    /* reopened: the records are there and numbering goes on */
    j = open_journal(dir);
    assert_int_equal(izde_journal_last_seq(j), 2);
    assert_int_equal(append(j, IZDE_JOURNAL_PUT, "c"), 3);
    assert_int_equal(read_all(j, 0, texts, 8), 3);
    assert_string_equal(texts[2], "p:c");
    izde_journal_close(j);
    free(dir);
}

/* A cursor at the end sees records appended after it got there. */
static void test_cursor_follows_appends(void **state)
{
    char *dir = journal_dir(*state);
    izde_journal *j = open_journal(dir);
    izde_journal_cursor *c = NULL;
    izde_error err = {0};
    izde_journal_record r;
    int more = 1;
    append(j, IZDE_JOURNAL_PUT, "one");
    assert_int_equal(izde_journal_cursor_open(j, 0, &c, &err), IZDE_OK);
    assert_int_equal(izde_journal_next(c, &r, &more, &err), IZDE_OK);
    assert_true(more);
    assert_int_equal(izde_journal_next(c, &r, &more, &err), IZDE_OK);
    assert_false(more);
    append(j, IZDE_JOURNAL_DELETE, "two");
    assert_int_equal(izde_journal_next(c, &r, &more, &err), IZDE_OK);
    assert_true(more);
    assert_int_equal(r.seq, 2);
    assert_int_equal(r.kind, IZDE_JOURNAL_DELETE);
    assert_memory_equal(r.data, "two", 3);
    izde_journal_cursor_close(c);
    izde_journal_close(j);
    free(dir);
}

/* A crash in the middle of a record (the file cut anywhere inside the last one) loses that
 * record only; the next one gets its number. */
static void test_torn_tail_is_cut(void **state)
{
    char *dir = journal_dir(*state), texts[8][64];
    izde_journal *j = open_journal(dir);
    append(j, IZDE_JOURNAL_PUT, "first");
    append(j, IZDE_JOURNAL_PUT, "second");
    off_t whole = 0;
    char *seg = only_segment(dir);
    whole = file_size(seg);
    append(j, IZDE_JOURNAL_PUT, "third record");
    off_t full = file_size(seg);
    izde_journal_close(j);
    for (off_t cut = whole + 1; cut < full; cut += 5) {
        assert_int_equal(truncate(seg, cut), 0);
        j = open_journal(dir);
        assert_int_equal(izde_journal_last_seq(j), 2);
        assert_int_equal(file_size(seg), whole); /* cut back to the last whole record */
        assert_int_equal(read_all(j, 0, texts, 8), 2);
        assert_string_equal(texts[1], "p:second");
        izde_journal_close(j);
    }
    j = open_journal(dir);
    assert_int_equal(append(j, IZDE_JOURNAL_PUT, "third again"), 3);
    assert_int_equal(read_all(j, 2, texts, 8), 1);
    assert_string_equal(texts[0], "p:third again");
    izde_journal_close(j);
    free(seg);
    free(dir);
}

/* A record whose bytes changed fails its checksum: it and what follows are not replayed. */
static void test_damaged_record_is_cut(void **state)
{
    char *dir = journal_dir(*state), texts[8][64];
    izde_journal *j = open_journal(dir);
    append(j, IZDE_JOURNAL_PUT, "kept");
    append(j, IZDE_JOURNAL_PUT, "damaged");
    izde_journal_close(j);
    char *seg = only_segment(dir);
    int fd = open(seg, O_RDWR);
    assert_true(fd >= 0);
    off_t end = file_size(seg);
    assert_int_equal(pwrite(fd, "X", 1, end - 2), 1);
    close(fd);
    j = open_journal(dir);
    assert_int_equal(izde_journal_last_seq(j), 1);
    assert_int_equal(read_all(j, 0, texts, 8), 1);
    assert_string_equal(texts[0], "p:kept");
    izde_journal_close(j);
    free(seg);
    free(dir);
}

/* Opening and closing without writing leaves one segment, not one per start. */
static void test_empty_segment_reused(void **state)
{
    char *dir = journal_dir(*state);
    for (int i = 0; i < 3; i++)
        izde_journal_close(open_journal(dir));
    assert_int_equal(count_segments(dir), 1);
    izde_journal *j = open_journal(dir);
    append(j, IZDE_JOURNAL_PUT, "x");
    izde_journal_close(j);
    j = open_journal(dir); /* a new segment for the records to come */
    izde_journal_close(j);
    assert_int_equal(count_segments(dir), 2);
    free(dir);
}

/* Big records fill segments; dropping keeps every record after the given number readable. */
static void test_segments_and_drop(void **state)
{
    char *dir = journal_dir(*state);
    size_t big = 1u << 20;
    char *payload = malloc(big);
    assert_non_null(payload);
    memset(payload, 'x', big);
    izde_journal *j = open_journal(dir);
    izde_error err = {0};
    uint64_t seq = 0;
    for (int i = 0; i < 40; i++)
        assert_int_equal(izde_journal_append(j, IZDE_JOURNAL_PUT, payload, big, &seq, &err),
                         IZDE_OK);
    assert_int_equal(izde_journal_sync(j, seq, &err), IZDE_OK);
    unsigned segs = count_segments(dir), dropped = 0;
    assert_true(segs >= 3);
    char texts[1][64];
    assert_int_equal(read_all(j, 0, texts, 0), 40);
    assert_int_equal(izde_journal_drop(j, 20, &dropped, &err), IZDE_OK);
    assert_true(dropped >= 1);
    assert_int_equal(count_segments(dir), segs - dropped);
    assert_int_equal(read_all(j, 20, texts, 0), 20);
    /* dropping everything keeps the segment written to */
    assert_int_equal(izde_journal_drop(j, 40, &dropped, &err), IZDE_OK);
    assert_int_equal(count_segments(dir), 1);
    izde_journal_close(j);
    j = open_journal(dir);
    assert_int_equal(izde_journal_last_seq(j), 40);
    assert_int_equal(append(j, IZDE_JOURNAL_DELETE, "z"), 41);
    izde_journal_close(j);
    /* a payload over the limit is refused and leaves nothing behind */
    j = open_journal(dir);
    char *huge = malloc(IZDE_JOURNAL_PAYLOAD_MAX + 1);
    assert_non_null(huge);
    memset(huge, 'y', IZDE_JOURNAL_PAYLOAD_MAX + 1);
    assert_int_equal(
        izde_journal_append(j, IZDE_JOURNAL_PUT, huge, IZDE_JOURNAL_PAYLOAD_MAX + 1, &seq, &err),
        IZDE_ERR_INVALID_ARG);
    assert_int_equal(izde_journal_last_seq(j), 41);
    izde_journal_close(j);
    free(huge);
    free(payload);
    free(dir);
}

/* A journal behind the index goes on after the index's number; overlapping segments are an
 * error, not records read twice. */
static void test_continue_after(void **state)
{
    char *dir = journal_dir(*state), texts[4][64];
    izde_journal *j = open_journal(dir);
    izde_error err = {0};
    append(j, IZDE_JOURNAL_PUT, "a");
    assert_int_equal(izde_journal_continue_after(j, 10, &err), IZDE_OK);
    assert_int_equal(izde_journal_last_seq(j), 10);
    assert_int_equal(append(j, IZDE_JOURNAL_PUT, "b"), 11);
    assert_int_equal(izde_journal_continue_after(j, 5, &err), IZDE_OK); /* not behind */
    assert_int_equal(append(j, IZDE_JOURNAL_PUT, "c"), 12);
    izde_journal_close(j);
    j = open_journal(dir);
    assert_int_equal(izde_journal_last_seq(j), 12);
    assert_int_equal(read_all(j, 10, texts, 4), 2);
    assert_string_equal(texts[0], "p:b");
    izde_journal_close(j);
    /* an empty journal that goes on leaves no empty segment behind */
    char *other = malloc(strlen(*state) + 8);
    snprintf(other, strlen(*state) + 8, "%s/other", (char *)*state);
    j = open_journal(other);
    assert_int_equal(izde_journal_continue_after(j, 3, &err), IZDE_OK);
    assert_int_equal(count_segments(other), 1);
    assert_int_equal(append(j, IZDE_JOURNAL_DELETE, "d"), 4);
    izde_journal_close(j);

    free(write_file(dir, "00000000000000000012.log", "IZDEJRN1", 8));
    izde_journal *bad = NULL;
    assert_int_equal(izde_journal_open(dir, &bad, &err), IZDE_ERR_DB_CORRUPT);
    assert_null(bad);
    assert_non_null(strstr(err.msg, "overlaps record 12"));
    free(other);
    free(dir);
}

static void test_writer_lock(void **state)
{
    const char *dir = *state;
    int active = 1, fd = -1, fd2 = -1;
    izde_error err = {0};
    assert_int_equal(izde_journal_writer_active(dir, &active, &err), IZDE_OK);
    assert_false(active);
    assert_int_equal(izde_journal_writer_lock(dir, &fd, &err), IZDE_OK);
    assert_int_equal(izde_journal_writer_active(dir, &active, &err), IZDE_OK);
    assert_true(active);
    assert_int_equal(izde_journal_writer_lock(dir, &fd2, &err), IZDE_ERR_DB_LOCKED);
    assert_non_null(strstr(err.msg, "another izde-searchd accepts writes"));
    izde_gen_unlock(fd);
    assert_int_equal(izde_journal_writer_active(dir, &active, &err), IZDE_OK);
    assert_false(active);
}

static void test_crc32c(void **state)
{
    (void)state;
    /* the check value of CRC-32C */
    assert_int_equal(izde_crc32c(0, "123456789", 9), 0xe3069283u);
    uint32_t part = izde_crc32c(0, "1234", 4);
    assert_int_equal(izde_crc32c(part, "56789", 5), 0xe3069283u);
}

static void index_one(const char *db, const izde_index_opts *opts, const char *id,
                      uint64_t *out_seq)
{
    izde_indexer *ix = NULL;
    izde_entry *e = NULL;
    izde_error err = {0};
    char line[128];
    snprintf(line, sizeof line, "{\"id\":\"%s\",\"body\":\"text of %s\"}", id, id);
    assert_int_equal(izde_jsonl_parse_line(line, strlen(line), &e, &err), IZDE_OK);
    assert_int_equal(izde_indexer_open(db, opts, &ix, &err), IZDE_OK);
    *out_seq = izde_indexer_journal_seq(ix);
    assert_int_equal(izde_indexer_add(ix, e, &err), IZDE_OK);
    assert_int_equal(izde_indexer_finish(ix, NULL, &err), IZDE_OK);
    izde_indexer_close(ix);
    izde_entry_free(e);
}

/* The applied journal number is committed with the entries, read back by the next session and
 * carried over by rebuilds (one writer and parallel), so that their switch loses no write. */
static void test_indexer_journal_seq(void **state)
{
    char *db = journal_dir(*state); /* any folder name will do */
    izde_index_opts rebuild1 = {.rebuild = 1, .jobs = 1}, rebuild2 = {.rebuild = 1, .jobs = 2};
    uint64_t seq = 99;
    izde_error err = {0};
    index_one(db, NULL, "a", &seq);
    assert_int_equal(seq, 0);

    izde_indexer *ix = NULL;
    assert_int_equal(izde_indexer_open(db, NULL, &ix, &err), IZDE_OK);
    assert_int_equal(izde_indexer_journal_seq(ix), 0);
    assert_int_equal(izde_indexer_commit_journal(ix, 7, &err), IZDE_OK);
    assert_int_equal(izde_indexer_journal_seq(ix), 7);
    izde_indexer_close(ix);

    index_one(db, NULL, "b", &seq);
    assert_int_equal(seq, 7);
    index_one(db, &rebuild1, "c", &seq);
    assert_int_equal(seq, 7);
    index_one(db, &rebuild2, "d", &seq);
    assert_int_equal(seq, 7);
    index_one(db, NULL, "e", &seq); /* the generation the parallel rebuild made */
    assert_int_equal(seq, 7);

    assert_int_equal(izde_indexer_open(db, &rebuild1, &ix, &err), IZDE_OK);
    assert_int_equal(izde_indexer_generation(ix), 4); /* 1, then two rebuilds */
    assert_int_equal(izde_indexer_commit_journal(ix, 8, &err), IZDE_ERR_INVALID_ARG);
    izde_indexer_close(ix);
    free(db);
}

/* izde_jsonl_parse_line() says what the JSONL reader says after "file:line: ". */
static void test_jsonl_line_as_reader(void **state)
{
    static const char *const lines[] = {
        "{\"id\":\"x\",\"body\":\"b\",\"date\":\"2021-02-30\"}",
        "{\"id\":\"x\",\"body\":\"\"}",
        "{\"id\":1,\"body\":\"b\"}",
        "{\"id\":\"x\",\"body\":\"b\"",
        "[1,2]",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        izde_entry *e = NULL;
        izde_error mine = {0}, theirs = {0};
        assert_int_equal(izde_jsonl_parse_line(lines[i], strlen(lines[i]), &e, &mine),
                         IZDE_ERR_INVALID_ARG);
        assert_null(e);
        char *path = write_file(*state, "one.jsonl", lines[i], strlen(lines[i]));
        izde_reader *r = NULL;
        assert_int_equal(izde_reader_open(path, NULL, NULL, &r, &theirs), IZDE_OK);
        assert_int_equal(izde_reader_next(r, &e, &theirs), IZDE_ERR_INVALID_ARG);
        izde_reader_close(r);
        char expected[300];
        snprintf(expected, sizeof expected, "%s:1: %s", path, mine.msg);
        assert_string_equal(theirs.msg, expected);
        free(path);
    }
    izde_entry *e = (izde_entry *)1;
    izde_error err = {0};
    assert_int_equal(izde_jsonl_parse_line(" \t\r", 3, &e, &err), IZDE_OK);
    assert_null(e); /* blank */
    size_t big = IZDE_JSONL_LINE_MAX + 1;
    char *line = malloc(big);
    assert_non_null(line);
    memset(line, ' ', big);
    assert_int_equal(izde_jsonl_parse_line(line, big, &e, &err), IZDE_ERR_INVALID_ARG);
    assert_string_equal(err.msg, "line longer than 2097152 bytes; skipped");
    free(line);
    const char ok[] = "{\"id\":\"k\",\"body\":\"text\",\"lang\":\"kk\"}";
    assert_int_equal(izde_jsonl_parse_line(ok, sizeof ok - 1, &e, &err), IZDE_OK);
    assert_string_equal(e->id, "k");
    assert_string_equal(e->lang, "kk");
    izde_entry_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_read_reopen, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_cursor_follows_appends, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail_is_cut, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_record_is_cut, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_empty_segment_reused, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_segments_and_drop, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_continue_after, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_writer_lock, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test(test_crc32c),
        cmocka_unit_test_setup_teardown(test_indexer_journal_seq, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_line_as_reader, tmpdir_setup, tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
