/* Unit tests for the entry readers: JSONL files and news pages (lib/model/reader*.c); feeds
 * and HTML pages are in test_readers_markup.c, in the same executable. */
#define _POSIX_C_SOURCE 200809L /* strdup, freopen of stdin */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <izde/entry.h>
#include <izde/reader.h>

#include "readers_support.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SEED_NAME "000_05039df3c6583f50.txt"
#define SEED_PATH IZDE_FIXTURES_DIR "/" SEED_NAME

/* ---- the seed news page ---- */

static void test_seed_page(void **state)
{
    fixture *fx = *state;
    static const char *const dates[] = {
        "2021-02-01", "2020-09-11", "2020-06-29", "2020-03-16", "2020-02-21",
        "2019-04-18", "2019-03-18", "2019-01-15", "2018-12-20", "2018-12-10",
        "2018-10-30", "2018-08-07", "2018-07-09", "2018-06-04", "2018-05-28",
    };
    read_all(fx, SEED_PATH);
    assert_int_equal(fx->n_items, 15);
    for (size_t i = 0; i < 15; i++) {
        const izde_entry *e = entry_at(fx, i);
        char id[64], compact[9];
        snprintf(compact, sizeof compact, "%.4s%.2s%.2s", dates[i], dates[i] + 5, dates[i] + 8);
        snprintf(id, sizeof id, "000_05039df3c6583f50-%s-1", compact);
        assert_string_equal(e->id, id);
        assert_string_equal(e->date, dates[i]);
        assert_int_equal(e->day, atoi(compact));
        assert_string_equal(e->lang, "");
        assert_null(e->title);
        assert_null(e->url);
        assert_string_equal(e->source, SEED_NAME);
        assert_int_equal(e->n_tags, 2);
        assert_string_equal(e->tags[0], "NOC");
        assert_string_equal(e->tags[1], "News");
        assert_string_equal(e->extra_json, "{\"page_date\":\"2021-02-01\"}");
        /* bodies are trimmed and hold no heading */
        size_t n = strlen(e->body);
        assert_true(n > 100);
        assert_true(e->body[0] != ' ' && e->body[0] != '\n' && e->body[n - 1] != '\n');
        assert_null(strstr(e->body, "28 june 2019"));
        assert_int_equal(izde_entry_validate(e, NULL), IZDE_OK);
    }
    const izde_entry *first = entry_at(fx, 0);
    assert_true(strncmp(first->body, "Last month, the NOC of Kazakhstan", 33) == 0);
    assert_non_null(strstr(first->body, "Andrey Kryukov"));
    assert_null(strchr(first->body, '\n')); /* one paragraph */

    /* 18 april 2019: two paragraphs joined by one blank line */
    const char *body = entry_at(fx, 5)->body;
    assert_true(strncmp(body, "Elsiyar Kanagatov", 17) == 0);
    const char *gap = strstr(body, "\n\n");
    assert_non_null(gap);
    assert_true(strncmp(gap, "\n\nThe Kazakhstan NOC has issued", 31) == 0);
    assert_null(strstr(gap + 2, "\n"));

    /* the last line of the file has no newline and still counts */
    const char *last = entry_at(fx, 14)->body;
    size_t n = strlen(last);
    assert_true(n > 20 && strcmp(last + n - 14, "www.olympic.kz") == 0);

    assert_int_equal(fx->n_warnings, 1);
    assert_string_equal(fx->warnings[0],
                        SEED_PATH ":23: heading '28 june 2019' has no text; skipped");
}

static void test_seed_page_stable_ids(void **state)
{
    fixture *fx = *state;
    char *ids[15];
    uint64_t hashes[15];
    read_all(fx, SEED_PATH);
    assert_int_equal(fx->n_items, 15);
    for (size_t i = 0; i < 15; i++) {
        ids[i] = strdup(entry_at(fx, i)->id);
        hashes[i] = izde_entry_content_hash(entry_at(fx, i));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(ids[j], ids[i]); /* unique */
    }
    read_all(fx, SEED_PATH);
    assert_int_equal(fx->n_items, 15);
    for (size_t i = 0; i < 15; i++) {
        assert_string_equal(entry_at(fx, i)->id, ids[i]);
        assert_true(izde_entry_content_hash(entry_at(fx, i)) == hashes[i]);
        free(ids[i]);
    }
}

/* A page entry survives the JSON round trip the indexer makes. */
static void test_page_entry_json(void **state)
{
    fixture *fx = *state;
    read_all(fx, SEED_PATH);
    const izde_entry *e = entry_at(fx, 5);
    char *json = NULL;
    size_t len = 0;
    izde_entry *back = NULL;
    assert_int_equal(izde_entry_to_json(e, &json, &len, NULL), IZDE_OK);
    const char *head = "{\"id\":\"000_05039df3c6583f50-20190418-1\",\"date\":\"2019-04-18\","
                       "\"body\":\"Elsiyar Kanagatov";
    assert_true(strncmp(json, head, strlen(head)) == 0);
    assert_non_null(strstr(json, "\"tags\":[\"NOC\",\"News\"],\"source\":\"" SEED_NAME
                                 "\",\"page_date\":\"2021-02-01\"}"));
    assert_int_equal(izde_entry_from_json(json, len, &back, NULL), IZDE_OK);
    assert_true(izde_entry_content_hash(back) == izde_entry_content_hash(e));
    izde_entry_free(back);
    free(json);
}

/* ---- other pages ---- */

static void test_page_impossible_date(void **state)
{
    fixture *fx = *state;
    char *path = write_text(fx, "bad.txt",
                            "1 March 2020\n"     /* 1 */
                            "\n"                 /* 2 */
                            "First.\n"           /* 3 */
                            "\n"                 /* 4 */
                            "31 February 2020\n" /* 5 */
                            "\n"                 /* 6 */
                            "Lost paragraph.\n"  /* 7 */
                            "\n"                 /* 8 */
                            "Lost as well.\n"    /* 9 */
                            "30 february 2020\n" /* 10: right after text, no text of its own */
                            "2 March 2020\n"     /* 11 */
                            "Second.\n");        /* 12 */
    read_all(fx, path);
    assert_int_equal(fx->n_items, 4);
    assert_string_equal(entry_at(fx, 0)->id, "bad-20200301-1");
    assert_string_equal(entry_at(fx, 0)->body, "First.");
    assert_rejection(fx, 1, path, 5, "impossible date in heading '31 February 2020'");
    assert_rejection(fx, 2, path, 10, "impossible date in heading '30 february 2020'");
    assert_string_equal(entry_at(fx, 3)->id, "bad-20200302-1");
    assert_string_equal(entry_at(fx, 3)->body, "Second.");
    assert_int_equal(fx->n_warnings, 0); /* a rejected heading is not also "empty" */
    /* no tags and no page date without a header */
    assert_int_equal(entry_at(fx, 0)->n_tags, 0);
    assert_null(entry_at(fx, 0)->extra_json);
    free(path);
}

static void test_page_forms(void **state)
{
    fixture *fx = *state;
    char *path = write_text(fx, "Forms.TXT",
                            "\xEF\xBB\xBF\r\n" /* 1 */
                            "  DATE 2020-01-05 Date 5 Jan 2020 TAGS Olympic Day, Youth Games\r\n"
                            "Intro text with no heading.\r\n"    /* 3 */
                            "\r\n"                               /* 4 */
                            "Second intro paragraph.\r\n"        /* 5 */
                            "5 January 2020\r\n"                 /* 6 */
                            "   First paragraph line one   \r\n" /* 7 */
                            "line two.\r\n"                      /* 8 */
                            "\r\n\r\n"                           /* 9-10 */
                            "Second paragraph.\r\n"              /* 11 */
                            "\t5 JAN 2020\t\r\n"                 /* 12 */
                            "Same day again.\r\n"                /* 13 */
                            "January 5, 2020\r\n"                /* 14 */
                            "Third of the day.\r\n"              /* 15 */
                            "13 Foo 2020\r\n"                    /* 16 */
                            "5 January 2020 was a Sunday.\r\n"   /* 17 */
                            "Sept 3, 2019\r\n"                   /* 18 */
                            "Last one.\r\n"                      /* 19 */
                            "4 sep 2019\r\n"                     /* 20 */
                            "\r\n");                             /* 21 */
    read_all(fx, path);
    assert_int_equal(fx->n_items, 4);
    const izde_entry *e = entry_at(fx, 0);
    assert_string_equal(e->id, "Forms-20200105-1");
    assert_string_equal(e->body, "First paragraph line one\nline two.\n\nSecond paragraph.");
    assert_string_equal(e->source, "Forms.TXT");
    assert_int_equal(e->n_tags, 2);
    assert_string_equal(e->tags[0], "Olympic Day");
    assert_string_equal(e->tags[1], "Youth Games");
    assert_string_equal(e->extra_json, "{\"page_date\":\"2020-01-05\"}");
    assert_string_equal(entry_at(fx, 1)->id, "Forms-20200105-2");
    assert_string_equal(entry_at(fx, 1)->body, "Same day again.");
    e = entry_at(fx, 2);
    assert_string_equal(e->id, "Forms-20200105-3");
    /* lines that only look like headings are text */
    assert_string_equal(e->body, "Third of the day.\n13 Foo 2020\n5 January 2020 was a Sunday.");
    e = entry_at(fx, 3);
    assert_string_equal(e->id, "Forms-20190903-1");
    assert_string_equal(e->date, "2019-09-03");
    assert_string_equal(e->body, "Last one.");

    assert_int_equal(fx->n_warnings, 3);
    char want[600];
    snprintf(want, sizeof want, "%s:3: text before the first heading; skipped", path);
    assert_string_equal(fx->warnings[0], want);
    snprintf(want, sizeof want, "%s:5: text before the first heading; skipped", path);
    assert_string_equal(fx->warnings[1], want);
    snprintf(want, sizeof want, "%s:20: heading '4 sep 2019' has no text; skipped", path);
    assert_string_equal(fx->warnings[2], want);
    free(path);
}

static void test_page_header_variants(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *header;
        size_t n_tags;
        const char *tags[3];
        const char *extra;
        const char *warning; /* part of the one warning expected, or NULL */
    } cases[] = {
        {"date 2021-02-01 Date 01 Feb 2021 Tags NOC News",
         2,
         {"NOC", "News"},
         "{\"page_date\":\"2021-02-01\"}",
         NULL},
        {"Tags a b c", 3, {"a", "b", "c"}, NULL, NULL},
        {"date 2021-02-01", 0, {NULL}, "{\"page_date\":\"2021-02-01\"}", NULL},
        {"date 2021-02-30 Tags X", 1, {"X"}, NULL, ":1: header date ignored: impossible date"},
        {"tags  one ,  two words ,", 2, {"one", "two words"}, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s\n\n7 August 2018\n\nBody.\n", cases[i].header);
        char *path = write_text(fx, "h.txt", text);
        read_all(fx, path);
        assert_int_equal(fx->n_items, 1);
        const izde_entry *e = entry_at(fx, 0);
        assert_int_equal(e->n_tags, cases[i].n_tags);
        for (size_t t = 0; t < cases[i].n_tags; t++)
            assert_string_equal(e->tags[t], cases[i].tags[t]);
        if (cases[i].extra)
            assert_string_equal(e->extra_json, cases[i].extra);
        else
            assert_null(e->extra_json);
        assert_int_equal(fx->n_warnings, cases[i].warning ? 1 : 0);
        if (cases[i].warning)
            assert_non_null(strstr(fx->warnings[0], cases[i].warning));
        free(path);
    }

    /* 70 tags: the first IZDE_TAGS_MAX are kept, with one warning. */
    char text[1024] = "Tags";
    for (int i = 0; i < 70; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), " t%d", i);
    strcat(text, "\n1 May 2020\nBody.\n");
    char *path = write_text(fx, "many.txt", text);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_int_equal(entry_at(fx, 0)->n_tags, IZDE_TAGS_MAX);
    assert_string_equal(entry_at(fx, 0)->tags[IZDE_TAGS_MAX - 1], "t63");
    assert_int_equal(fx->n_warnings, 1);
    assert_non_null(strstr(fx->warnings[0], ":1: more than 64 header tags; the rest ignored"));
    free(path);
}

static void test_page_bad_bytes(void **state)
{
    fixture *fx = *state;
    static const char text[] = "1 May 2020\n\nGood.\n\n2 May 2020\n\nfine line\nbad \xFF line\n\n"
                               "3 May 2020\n\nAlso good.\n"
                               "4 May 2020\nNUL\0inside\n"
                               "5 May 2020\nEnd.";
    char *path = write_file(fx->dir, "u.txt", text, sizeof text - 1);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 5);
    assert_string_equal(entry_at(fx, 0)->body, "Good.");
    assert_rejection(fx, 1, path, 8, "invalid UTF-8; text under heading '2 May 2020' (line 5)");
    assert_string_equal(entry_at(fx, 2)->body, "Also good.");
    assert_rejection(fx, 3, path, 14, "NUL byte; text under heading '4 May 2020' (line 13)");
    assert_string_equal(entry_at(fx, 4)->body, "End.");
    free(path);
}

static void test_page_long_file_name(void **state)
{
    fixture *fx = *state;
    /* A stem of 250 bytes makes ids over IZDE_ID_MAX: each entry is rejected, not cut. */
    char name[256];
    memset(name, 'n', 250);
    strcpy(name + 250, ".txt");
    char *path = write_text(fx, name, "1 May 2020\n\nText.\n");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_int_equal(fx->items[0].status, IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(fx->items[0].msg, ":1: id: too long"));
    assert_true(strncmp(fx->items[0].msg, "...", 3) == 0); /* long path shortened */
    free(path);
}

/* ---- JSONL ---- */

#define GOOD1 "{\"id\":\"g1\",\"body\":\"first\"}"
#define GOOD2 "{\"id\":\"g2\",\"body\":\"second\",\"date\":\"2020-01-02\"}"

static void test_jsonl_bad_lines(void **state)
{
    fixture *fx = *state;
    char long_id[300];
    memset(long_id, 'i', 257);
    long_id[257] = '\0';
    char over_long[400];
    snprintf(over_long, sizeof over_long, "{\"id\":\"%s\",\"body\":\"b\"}", long_id);
    const struct {
        const char *line;
        const char *want;
    } cases[] = {
        {"{\"id\":\"x\",\"body\":\"b\"", "invalid JSON"},
        {"not json at all", "invalid JSON"},
        {"{\"id\":\"x\",\"body\":\"caf\xE9\"}", "invalid UTF-8 at byte 21"},
        {"{\"id\":\"x\",\"body\":\"\xED\xA0\x80\"}", "invalid UTF-8"},
        {"{\"id\":\"x\"}", "body: missing"},
        {"{\"body\":\"b\"}", "id: missing"},
        {"{\"id\":\"x\",\"body\":\"  \"}", "body: empty"},
        {"{\"id\":\"x\",\"body\":\"b\",\"date\":\"2021-02-30\"}",
         "date: impossible date 2021-02-30"},
        {"{\"id\":\"x\",\"body\":\"b\",\"date\":\"2021-13-01\"}",
         "date: impossible date 2021-13-01"},
        {over_long, "id: too long (257 bytes, limit 256)"},
        {"{\"id\":\"x\",\"body\":\"b\",\"tags\":\"NOC\"}", "tags: must be a list of strings"},
        {"{\"id\":\"x\",\"body\":\"b\",\"tags\":[\"NOC\",{}]}", "tags[1]: must be a string"},
        {"{\"id\":7,\"body\":\"b\"}", "id: must be a string"},
        {"[]", "not a JSON object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, GOOD1 "\n%s\n" GOOD2 "\n", cases[i].line);
        char *path = write_text(fx, "bad.jsonl", text);
        read_all(fx, path);
        assert_int_equal(fx->n_items, 3);
        assert_string_equal(entry_at(fx, 0)->id, "g1");
        assert_rejection(fx, 1, path, 2, cases[i].want);
        assert_string_equal(entry_at(fx, 2)->id, "g2");
        assert_int_equal(entry_at(fx, 2)->day, 20200102);
        assert_int_equal(fx->n_warnings, 0);
        free(path);
    }
}

static void test_jsonl_layout(void **state)
{
    fixture *fx = *state;
    /* BOM, CRLF, blank and whitespace-only lines, a bad line after them (line numbers count
     * blank lines), and a last line without a newline. */
    char *path = write_text(fx, "layout.jsonl",
                            "\xEF\xBB\xBF" GOOD1 "\r\n"                 /* 1 */
                            "\n"                                        /* 2 */
                            "   \t \r\n"                                /* 3 */
                            "{\"id\":\"x\"}\n"                          /* 4 */
                            GOOD2 "\n"                                  /* 5 */
                            "\n"                                        /* 6 */
                            "{\"id\":\"g3\",\"body\":\"no newline\"}"); /* 7 */
    read_all(fx, path);
    assert_int_equal(fx->n_items, 4);
    assert_string_equal(entry_at(fx, 0)->id, "g1");
    assert_rejection(fx, 1, path, 4, "body: missing");
    assert_string_equal(entry_at(fx, 2)->id, "g2");
    assert_string_equal(entry_at(fx, 3)->id, "g3");
    assert_string_equal(entry_at(fx, 3)->body, "no newline");
    free(path);

    /* A raw NUL byte inside a line is not JSON text. */
    static const char nul[] = "{\"id\":\"n\",\"body\":\"a\0b\"}\n" GOOD1;
    path = write_file(fx->dir, "nul.jsonl", nul, sizeof nul - 1);
    read_all(fx, path);
    assert_int_equal(fx->n_items, 2);
    assert_rejection(fx, 0, path, 1, "invalid JSON");
    assert_string_equal(entry_at(fx, 1)->id, "g1");
    free(path);

    /* An empty file and one of blank lines hold no entries. */
    path = write_text(fx, "empty.jsonl", "");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 0);
    free(path);
    path = write_text(fx, "blank.jsonl", "\n\n  \n");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 0);
    free(path);
}

static void test_jsonl_long_lines(void **state)
{
    fixture *fx = *state;
    /* Line 2 is over the 2 MiB line limit; line 3 holds a body of exactly IZDE_BODY_MAX
     * bytes and line 4 one byte more. */
    size_t huge = (2u << 20) + 10, body = IZDE_BODY_MAX;
    size_t cap = huge + 2 * body + 1000;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, GOOD1 "\n{\"id\":\"h\",\"body\":\"");
    memset(text + n, 'x', huge);
    n += huge;
    n += (size_t)snprintf(text + n, cap - n, "\"}\n{\"id\":\"max\",\"body\":\"");
    memset(text + n, 'y', body);
    n += body;
    n += (size_t)snprintf(text + n, cap - n, "\"}\n{\"id\":\"over\",\"body\":\"");
    memset(text + n, 'z', body + 1);
    n += body + 1;
    n += (size_t)snprintf(text + n, cap - n, "\"}\n" GOOD2 "\n");
    char *path = write_file(fx->dir, "long.jsonl", text, n);
    free(text);

    read_all(fx, path);
    assert_int_equal(fx->n_items, 5);
    assert_string_equal(entry_at(fx, 0)->id, "g1");
    assert_rejection(fx, 1, path, 2, "line longer than 2097152 bytes; skipped");
    assert_string_equal(entry_at(fx, 2)->id, "max");
    assert_int_equal(strlen(entry_at(fx, 2)->body), IZDE_BODY_MAX);
    assert_rejection(fx, 3, path, 4, "body: too long (1048577 bytes, limit 1048576)");
    assert_string_equal(entry_at(fx, 4)->id, "g2");
    free(path);
}

static void test_jsonl_unknown_fields_kept(void **state)
{
    fixture *fx = *state;
    char *path = write_text(fx, "extra.jsonl",
                            "{\"id\":\"e\",\"author\":{\"name\":\"A\"},\"body\":\"b\",\"n\":3}\n");
    read_all(fx, path);
    assert_int_equal(fx->n_items, 1);
    assert_string_equal(entry_at(fx, 0)->extra_json, "{\"author\":{\"name\":\"A\"},\"n\":3}");
    free(path);
}

static void test_jsonl_stdin(void **state)
{
    fixture *fx = *state;
    char *path = write_text(fx, "in.jsonl", GOOD1 "\nnope\n");
    assert_non_null(freopen(path, "r", stdin));
    read_all(fx, "-");
    assert_int_equal(fx->n_items, 2);
    assert_string_equal(entry_at(fx, 0)->id, "g1");
    assert_rejection(fx, 1, "<stdin>", 2, "invalid JSON");
    /* closing the reader left standard input open */
    assert_int_equal(fgetc(stdin), EOF);
    assert_false(ferror(stdin));
    free(path);
}

/* ---- opening ---- */

static void test_accepts(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        int ok;
    } cases[] = {
        {"a.jsonl", 1},   {"dir/b.JSONL", 1}, {"page.txt", 1}, {"x/Page.Txt", 1},
        {"-", 1},         {"feed.xml", 1},    {"a.RSS", 1},    {"b.atom", 1},
        {"c.rdf", 1},     {"p.html", 1},      {"p.HTM", 1},    {"p.xhtml", 1},
        {"a.json", 0},    {"a.txt.gz", 0},    {"jsonl", 0},    {".txt", 0},
        {"", 0},          {"dir/.jsonl", 0},  {"notes", 0},    {"rss.php", 0},
        {"dir/.html", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (izde_reader_accepts(cases[i].path) != cases[i].ok)
            fail_msg("izde_reader_accepts(\"%s\") != %d", cases[i].path, cases[i].ok);
    assert_false(izde_reader_accepts(NULL));
}

static void test_open_errors(void **state)
{
    fixture *fx = *state;
    izde_reader *r = (izde_reader *)1;
    izde_error err = {0};
    char path[600];

    /* a name the readers do not know: the first bytes decide, and these do not */
    char *csv = write_text(fx, "data.csv", "id,title\n1,x\n");
    assert_int_equal(izde_reader_open(csv, NULL, NULL, &r, &err), IZDE_ERR_INVALID_ARG);
    assert_null(r);
    snprintf(path, sizeof path,
             "%s: unsupported file type (expected JSONL, a .txt news page, an RSS or Atom feed "
             "or an HTML page)",
             csv);
    assert_string_equal(err.msg, path);
    free(csv);
    assert_int_equal(izde_reader_open("missing.csv", NULL, NULL, &r, &err), IZDE_ERR_IO);
    assert_null(r);

    snprintf(path, sizeof path, "%s/missing.jsonl", fx->dir);
    assert_int_equal(izde_reader_open(path, NULL, NULL, &r, &err), IZDE_ERR_IO);
    assert_null(r);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    assert_non_null(strstr(err.msg, "No such file"));

    snprintf(path, sizeof path, "%s/folder.txt", fx->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(izde_reader_open(path, NULL, NULL, &r, &err), IZDE_ERR_IO);
    assert_non_null(strstr(err.msg, "is a directory"));
    assert_null(r);

    izde_reader_close(NULL); /* no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seed_page, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_seed_page_stable_ids, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_entry_json, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_impossible_date, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_forms, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_header_variants, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_bad_bytes, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_page_long_file_name, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_bad_lines, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_layout, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_long_lines, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_unknown_fields_kept, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_stdin, fixture_setup, fixture_teardown),
        cmocka_unit_test(test_accepts),
        cmocka_unit_test_setup_teardown(test_open_errors, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) | run_markup_reader_tests();
}
