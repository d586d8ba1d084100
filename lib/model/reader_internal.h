/* Private to lib/model: the reader handle shared by reader.c (opening, line reading,
 * dispatch) and the two formats, reader_jsonl.c and reader_page.c. */
#ifndef IZDE_READER_INTERNAL_H
#define IZDE_READER_INTERNAL_H

#include <izde/reader.h>

#include <stdio.h>

/* Longest input line in bytes. A longer line is rejected and skipped without being stored,
 * so memory per line stays bounded whatever the input. */
#define READER_LINE_MAX (2u << 20)

typedef struct page_state page_state;

struct izde_reader {
    FILE *f;
    int owns_f;       /* 0 for standard input, which is not closed */
    char *path;       /* as given to izde_reader_open() */
    char *name;       /* path for messages: "<stdin>", or shortened to fit izde_error.msg */
    const char *base; /* file name within path, borrowed from path */
    izde_reader_warn_fn warn;
    void *warn_ctx;
    unsigned long line; /* number of the last line read, from 1 */
    char *buf;          /* the last line read, NUL-terminated */
    size_t cap;
    izde_status failed; /* sticky: a fatal error ends the input */
    page_state *page;   /* news-page state; NULL for JSONL */
};

/* Reads the next line into r->buf without its "\n" or "\r\n" (a BOM at the very start of the
 * input is dropped) and sets *out_len. At end of input sets *out_eof. A line longer than max
 * bytes is consumed but not stored: *out_too_long is set and *out_len is 0.
 * Returns IZDE_OK, IZDE_ERR_IO on a read error or IZDE_ERR_NOMEM. */
izde_status reader_read_line(izde_reader *r, size_t max, size_t *out_len, int *out_too_long,
                             int *out_eof, izde_error *err);

/* Formats a message ("file:line: reason") and passes it to the warn callback, if any. */
void reader_warn(izde_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The format readers; same contract as izde_reader_next(). */
izde_status reader_jsonl_next(izde_reader *r, izde_entry **out_entry, izde_error *err);
izde_status reader_page_next(izde_reader *r, izde_entry **out_entry, izde_error *err);

/* Sets up r->page for a news page; reader_page_free() releases it (NULL is a no-op). */
izde_status reader_page_open(izde_reader *r, izde_error *err);
void reader_page_free(page_state *p);

#endif
