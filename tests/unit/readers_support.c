/* Helpers of the reader tests: see readers_support.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <izde/reader.h>

#include "readers_support.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fixture_setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    fx->dir = tmpdir_make();
    *state = fx;
    return 0;
}

static void clear_items(fixture *fx)
{
    for (size_t i = 0; i < fx->n_items; i++)
        izde_entry_free(fx->items[i].entry);
    fx->n_items = 0;
    fx->n_warnings = 0;
}

int fixture_teardown(void **state)
{
    fixture *fx = *state;
    clear_items(fx);
    tmpdir_remove(fx->dir);
    free(fx);
    return 0;
}

static void on_warning(void *ctx, const char *msg)
{
    fixture *fx = ctx;
    assert_true(fx->n_warnings < MAX_WARNINGS);
    snprintf(fx->warnings[fx->n_warnings++], sizeof fx->warnings[0], "%s", msg);
}

/* Reads path to the end into fx->items (entries and rejections) and fx->warnings. A fatal
 * error fails the test. Reading past the end must keep saying "end". */
void read_all(fixture *fx, const char *path)
{
    izde_reader *r = NULL;
    izde_error err = {0};
    clear_items(fx);
    if (izde_reader_open(path, on_warning, fx, &r, &err) != IZDE_OK)
        fail_msg("open %s: %s", path, err.msg);
    for (;;) {
        izde_entry *e = (izde_entry *)1;
        izde_status st = izde_reader_next(r, &e, &err);
        if (st == IZDE_OK && !e)
            break;
        if (st != IZDE_OK && st != IZDE_ERR_INVALID_ARG)
            fail_msg("fatal %d: %s", st, err.msg);
        if (st != IZDE_OK)
            assert_null(e);
        assert_true(fx->n_items < MAX_ITEMS);
        item *it = &fx->items[fx->n_items++];
        it->status = st;
        it->entry = st == IZDE_OK ? e : NULL;
        snprintf(it->msg, sizeof it->msg, "%s", st == IZDE_OK ? "" : err.msg);
    }
    izde_entry *e = (izde_entry *)1;
    assert_int_equal(izde_reader_next(r, &e, &err), IZDE_OK);
    assert_null(e);
    izde_reader_close(r);
}

const izde_entry *entry_at(const fixture *fx, size_t i)
{
    assert_true(i < fx->n_items);
    if (fx->items[i].status != IZDE_OK)
        fail_msg("item %zu rejected: %s", i, fx->items[i].msg);
    return fx->items[i].entry;
}

/* Asserts item i is a rejection whose message starts with "path:line: " and contains want. */
void assert_rejection(const fixture *fx, size_t i, const char *path, unsigned long line,
                      const char *want)
{
    char prefix[600];
    assert_true(i < fx->n_items);
    snprintf(prefix, sizeof prefix, "%s:%lu: ", path, line);
    const item *it = &fx->items[i];
    if (it->status != IZDE_ERR_INVALID_ARG || strncmp(it->msg, prefix, strlen(prefix)) != 0 ||
        !strstr(it->msg, want))
        fail_msg("item %zu: status %d \"%s\", wanted \"%s...%s\"", i, it->status, it->msg, prefix,
                 want);
}

char *write_text(fixture *fx, const char *name, const char *text)
{
    return write_file(fx->dir, name, text, strlen(text));
}
