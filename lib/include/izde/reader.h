/* izde/reader.h — streaming readers of entry files.
 *
 * Design: one reader interface over two formats, chosen by file name: `*.jsonl` (and "-",
 * standard input) is one JSON entry per line; `*.txt` is a dated news page (an optional
 * header line "date 2021-02-01 Date 01 Feb 2021 Tags NOC News", then headings such as
 * "01 February 2021" each followed by paragraphs up to the next heading). Entries are
 * produced one at a time so inputs of any size stream in constant memory.
 *
 * Page entry ids are stable: "<file name without .txt>-<YYYYMMDD>-<n>", n counting from 1
 * the entries with that date in that file, so indexing the same page again updates them.
 *
 * JSONL: blank lines are skipped, a UTF-8 BOM at the start is dropped, "\r\n" is accepted, the
 * last line needs no newline; a line over 2 MiB is rejected without being held in memory.
 *
 * News pages: a heading is a line holding only "7 August 2018", "29 june 2020" or
 * "February 1, 2021" (English month, full or 3-letter, any case). Its entry's body is the
 * following paragraphs joined with "\n\n" (lines within one paragraph with "\n", each
 * trimmed); title and url absent, lang "" (detected at indexing), date "YYYY-MM-DD", source the
 * file name. The header line is the first non-blank line when it starts with "date" or "tags":
 * the words after "Tags" are tags of every entry (split on commas if there are any, else on
 * whitespace) and the page date is kept in extra_json as "page_date". Warnings: a heading
 * without text, text before the first heading, an unusable header. Rejections: a heading with
 * an impossible date (its text skipped), invalid UTF-8 or NUL bytes, a body over IZDE_BODY_MAX.
 */
#ifndef IZDE_READER_H
#define IZDE_READER_H

#include <izde/entry.h>
#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct izde_reader izde_reader;

/* Called for a non-fatal problem that skips nothing the user wrote (e.g. a page heading with
 * no text). msg is "file:line: reason", borrowed for the duration of the call. */
typedef void (*izde_reader_warn_fn)(void *ctx, const char *msg);

/* Opens path ("-" for standard input, read as JSONL). warn may be NULL.
 * Caller owns *out_reader; close with izde_reader_close(). */
izde_status izde_reader_open(const char *path, izde_reader_warn_fn warn, void *warn_ctx,
                             izde_reader **out_reader, izde_error *err);

/* Reads the next entry.
 *  IZDE_OK, *out_entry != NULL: an entry; caller owns it, free with izde_entry_free().
 *  IZDE_OK, *out_entry == NULL: end of input.
 *  IZDE_ERR_INVALID_ARG: one entry was rejected; err->msg is "file:line: reason". Call again.
 *  any other status: a fatal error (I/O, memory); stop reading. */
izde_status izde_reader_next(izde_reader *r, izde_entry **out_entry, izde_error *err);

/* Closes the reader. NULL is a no-op. */
void izde_reader_close(izde_reader *r);

/* Whether a file name is one the readers understand (*.jsonl or *.txt, any case; or "-"). */
int izde_reader_accepts(const char *path);

#ifdef __cplusplus
}
#endif
#endif
