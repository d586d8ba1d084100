/* Private to lib/model: the reader handle shared by reader.c (choosing the format, opening,
 * line reading, dispatch) and the formats: reader_jsonl.c, reader_page.c, and the markup
 * formats of reader_markup.c (feeds in reader_feed.c, HTML pages in reader_html.c). */
#ifndef IZDE_READER_INTERNAL_H
#define IZDE_READER_INTERNAL_H

#include <izde/reader.h>

#include <stdio.h>

/* Longest input line in bytes. A longer line is rejected and skipped without being stored,
 * so memory per line stays bounded whatever the input. */
#define READER_LINE_MAX IZDE_JSONL_LINE_MAX

/* Bytes looked at to tell the format of a file whose name does not (and of standard input). */
#define READER_SNIFF_MAX 1024

typedef struct page_state page_state;
typedef struct markup_state markup_state;

typedef enum reader_kind {
    READER_NONE,
    READER_JSONL, /* *.jsonl, or content starting with '{' */
    READER_PAGE,  /* *.txt: a dated news page */
    READER_XML,   /* *.xml, *.rss, *.atom, *.rdf, or content starting with '<' but not HTML */
    READER_HTML,  /* *.html, *.htm, *.xhtml, or content starting with "<!DOCTYPE html"/"<html" */
} reader_kind;

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
    reader_kind kind;
    page_state *page;            /* news-page state; NULL for other formats */
    markup_state *markup;        /* feed or HTML state; NULL for other formats */
    char head[READER_SNIFF_MAX]; /* bytes read to sniff the format, read again before f */
    size_t head_len, head_pos;
};

/* Reads the next line into r->buf without its "\n" or "\r\n" (a BOM at the very start of the
 * input is dropped) and sets *out_len. At end of input sets *out_eof. A line longer than max
 * bytes is consumed but not stored: *out_too_long is set and *out_len is 0.
 * Returns IZDE_OK, IZDE_ERR_IO on a read error or IZDE_ERR_NOMEM. */
izde_status model_reader_read_line(izde_reader *r, size_t max, size_t *out_len, int *out_too_long,
                                   int *out_eof, izde_error *err);

/* Reads the rest of the input into *out_buf (caller frees; NUL-terminated) and *out_len. When
 * it holds more than max bytes, reading stops there: *out_too_big is set, *out_buf is NULL.
 * Returns IZDE_OK, IZDE_ERR_IO or IZDE_ERR_NOMEM. */
izde_status model_reader_read_all(izde_reader *r, size_t max, char **out_buf, size_t *out_len,
                                  int *out_too_big, izde_error *err);

/* The month (1..12) of an English month name, full or its first three letters, any case
 * ("Sept" too); 0 when w[0..n) is not one. */
int model_reader_month(const char *w, size_t n);

/* Formats a message ("file:line: reason") and passes it to the warn callback, if any. */
void model_reader_warn(izde_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The format readers; same contract as izde_reader_next(). */
izde_status model_reader_jsonl_next(izde_reader *r, izde_entry **out_entry, izde_error *err);
izde_status model_reader_page_next(izde_reader *r, izde_entry **out_entry, izde_error *err);

/* Sets up r->page for a news page; model_reader_page_free() releases it (NULL is a no-op). */
izde_status model_reader_page_open(izde_reader *r, izde_error *err);
void model_reader_page_free(page_state *p);

/* Feeds (RSS 2.0, RSS 1.0, Atom) and HTML article pages, by r->kind (READER_XML: the root
 * element tells a feed from an XHTML page). model_reader_markup_free() accepts NULL. */
izde_status model_reader_markup_open(izde_reader *r, izde_error *err);
izde_status model_reader_markup_next(izde_reader *r, izde_entry **out_entry, izde_error *err);
void model_reader_markup_free(markup_state *m);

#endif
