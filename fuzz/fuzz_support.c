#define _POSIX_C_SOURCE 200809L
#include "fuzz_support.h"

#include <izde/indexer.h>
#include <izde/reader.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: check failed: %s: ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static izde_text *text;
static izde_tokens *tokens;

static void free_text(void)
{
    izde_tokens_free(tokens);
    izde_text_free(text);
}

izde_text *fuzz_text(void)
{
    if (!text) {
        izde_error err;
        FUZZ_CHECK(izde_text_new(&text, &err) == IZDE_OK, "%s", err.msg);
        FUZZ_CHECK((tokens = izde_tokens_new()) != NULL, "out of memory");
        atexit(free_text);
    }
    return text;
}

izde_tokens *fuzz_tokens(void)
{
    fuzz_text();
    return tokens;
}

static char *workdir;

static void remove_workdir(void)
{
    tmpdir_remove(workdir);
    workdir = NULL;
}

const char *fuzz_workdir(void)
{
    if (!workdir) {
        workdir = tmpdir_make();
        atexit(remove_workdir);
    }
    return workdir;
}

static int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int fuzz_entry_equal(const izde_entry *a, const izde_entry *b)
{
    if (!same_string(a->id, b->id) || !same_string(a->date, b->date) || a->day != b->day ||
        strcmp(a->lang, b->lang) != 0 || !same_string(a->title, b->title) ||
        !same_string(a->body, b->body) || a->n_tags != b->n_tags || !same_string(a->url, b->url) ||
        !same_string(a->source, b->source) || !same_string(a->extra_json, b->extra_json))
        return 0;
    for (size_t i = 0; i < a->n_tags; i++)
        if (!same_string(a->tags[i], b->tags[i]))
            return 0;
    return 1;
}

void fuzz_check_entry(const izde_entry *e)
{
    izde_error err;
    char *json = NULL;
    size_t len = 0;
    izde_entry *back = NULL, *stored = NULL;

    FUZZ_CHECK(izde_entry_validate(e, &err) == IZDE_OK, "entry %s: %s", e->id, err.msg);
    FUZZ_CHECK(izde_entry_to_json(e, &json, &len, &err) == IZDE_OK, "entry %s: %s", e->id, err.msg);
    FUZZ_CHECK(izde_entry_from_json(json, len, &back, &err) == IZDE_OK, "%s: %s", json, err.msg);
    FUZZ_CHECK(fuzz_entry_equal(e, back), "%s reads back as another entry", json);
    char *data = NULL;
    size_t data_len = 0;
    FUZZ_CHECK(izde_entry_encode(e, &data, &data_len, &err) == IZDE_OK, "entry %s: %s", e->id,
               err.msg);
    FUZZ_CHECK(izde_entry_decode(data, data_len, &stored, &err) == IZDE_OK, "%s: %s", json,
               err.msg);
    FUZZ_CHECK(fuzz_entry_equal(e, stored), "%s decodes as another stored entry", json);
    izde_entry_free(stored);
    izde_entry_free(back);
    free(data);
    free(json);
}

void fuzz_read_file(const char *name, const unsigned char *data, size_t size)
{
    izde_reader *r = NULL;
    izde_error err;
    char *path = write_file(fuzz_workdir(), name, (const char *)data, size);

    if (izde_reader_open(path, NULL, NULL, &r, &err) != IZDE_OK)
        goto out;
    /* Each rejection or entry consumes at least one line or item: more calls than bytes
     * means the reader stopped making progress. */
    for (size_t calls = 0;; calls++) {
        izde_entry *e = NULL;
        FUZZ_CHECK(calls <= size + 1, "%zu calls to izde_reader_next on %zu bytes", calls, size);
        izde_status st = izde_reader_next(r, &e, &err);
        if (st == IZDE_ERR_INVALID_ARG) {
            FUZZ_CHECK(!e && err.msg[0], "a rejection without a message");
            continue;
        }
        if (st != IZDE_OK || !e)
            break;
        fuzz_check_entry(e);
        izde_entry_free(e);
    }
out:
    izde_reader_close(r);
    remove(path);
    free(path);
}

/* Adds every entry of one data/ file to ix. */
static void add_file(izde_indexer *ix, const char *name)
{
    char path[1024];
    izde_reader *r = NULL;
    izde_error err;
    izde_entry *e = NULL;

    snprintf(path, sizeof path, "%s/%s", IZDE_DATA_DIR, name);
    FUZZ_CHECK(izde_reader_open(path, NULL, NULL, &r, &err) == IZDE_OK, "%s", err.msg);
    while (izde_reader_next(r, &e, &err) == IZDE_OK && e) {
        FUZZ_CHECK(izde_indexer_add(ix, e, &err) == IZDE_OK, "%s", err.msg);
        izde_entry_free(e);
    }
    izde_reader_close(r);
}

const char *fuzz_index(void)
{
    static char dir[1024];
    static const char *const files[] = {"entries-en.jsonl", "entries-kk.jsonl", "entries-ru.jsonl",
                                        "noc-news.txt"};
    izde_indexer *ix = NULL;
    izde_error err;
    izde_index_opts opts = {.jobs = 1, .synonyms_file = IZDE_DATA_DIR "/synonyms.conf"};

    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "%s/index", fuzz_workdir());
    FUZZ_CHECK(izde_indexer_open(dir, &opts, &ix, &err) == IZDE_OK, "%s", err.msg);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        add_file(ix, files[i]);
    FUZZ_CHECK(izde_indexer_finish(ix, NULL, &err) == IZDE_OK, "%s", err.msg);
    izde_indexer_close(ix);
    return dir;
}
