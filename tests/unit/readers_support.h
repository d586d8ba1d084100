/* Shared by the reader tests (test_readers.c, test_readers_markup.c: one executable): reading
 * a file to its end through izde/reader.h and checking what came out. */
#ifndef IZDE_READERS_SUPPORT_H
#define IZDE_READERS_SUPPORT_H

#include <stddef.h>

#include <izde/entry.h>
#include <izde/error.h>

#define MAX_ITEMS 64
#define MAX_WARNINGS 16

/* One result of izde_reader_next(): an entry, or a rejection with its message. */
typedef struct item {
    izde_status status;
    izde_entry *entry;
    char msg[256];
} item;

typedef struct fixture {
    char *dir;
    char warnings[MAX_WARNINGS][512];
    size_t n_warnings;
    item items[MAX_ITEMS];
    size_t n_items;
} fixture;

/* cmocka setup and teardown: a fixture with a fresh temporary folder. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* Reads path to the end into fx->items (entries and rejections) and fx->warnings. A fatal
 * error fails the test. Reading past the end must keep saying "end". */
void read_all(fixture *fx, const char *path);

/* Item i, which must be an entry. */
const izde_entry *entry_at(const fixture *fx, size_t i);

/* Asserts item i is a rejection whose message starts with "path:line: " and contains want. */
void assert_rejection(const fixture *fx, size_t i, const char *path, unsigned long line,
                      const char *want);

/* Writes text to fx->dir/name; returns the path (caller frees). */
char *write_text(fixture *fx, const char *name, const char *text);

/* The markup reader tests (feeds and HTML pages), run from test_readers.c's main(). */
int run_markup_reader_tests(void);

#endif
