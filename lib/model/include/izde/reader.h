/* izde/reader.h — readers of entry files.
 *
 * Design: one reader interface over four formats, chosen by file name (any case):
 *  - `*.jsonl`: one JSON entry per line;
 *  - `*.txt`: a dated news page (an optional header line "date 2021-02-01 Date 01 Feb 2021
 *    Tags NOC News", then headings such as "01 February 2021" each followed by paragraphs up
 *    to the next heading);
 *  - `*.xml`, `*.rss`, `*.atom`, `*.rdf`: a feed, RSS 2.0, RSS 1.0 or Atom 1.0 (told apart by
 *    the root element), one entry per item; an XML file whose root is <html> is a page;
 *  - `*.html`, `*.htm`, `*.xhtml`: an article page, one entry.
 * Another name, and "-" (standard input), is decided by the first bytes: '{' is JSONL, '<' a
 * feed, or a page when "<html" or "<!doctype html" comes before any <rss>, <feed> or
 * <rdf:RDF>; standard input is JSONL otherwise. JSONL and news pages are produced one entry at
 * a time, so inputs of any size stream in constant memory; a feed or a page is read whole,
 * up to 32 MiB (a larger one is rejected as a whole, see below).
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
 *
 * Feeds and pages (libxml2, in recovery mode, without network access or external entities;
 * declared encodings such as windows-1251 or KOI8-R are converted to UTF-8). Per item or page:
 * title, date (RFC 822 pubDate kept as ISO 8601, Atom published/updated, the page's
 * article:published_time, itemprop datePublished, JSON-LD datePublished or <time datetime>),
 * id and url (guid, Atom id, canonical URL, else the link; else a hash of an item's title, date
 * and text, or a page's file name without its extension: ids are stable), lang (xml:lang,
 * <html lang>, the channel's <language>; "" when none of en/kk/ru is declared), tags
 * (categories, article:tag), source (the site's host) and the body's readable text without
 * markup: paragraphs joined with "\n\n", nothing from scripts, styles, forms, navigation, page
 * headers and footers, asides and figures; a page's story is its largest <article>, else
 * itemprop="articleBody", <main>, <body>. The full rules are at the top of
 * lib/model/reader_feed.c and reader_html.c. Rejections name the item: "file:line: item N:
 * reason" (no text, a date that cannot be read, a field too long); a file that cannot be read
 * at all is one rejection "file: reason" (larger than 32 MiB, not XML, XML that is not a feed).
 * Warning: malformed XML read in recovery mode (text may be lost), a feed without items.
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

/* Opens path ("-" for standard input). warn may be NULL. Reads the first bytes when the name
 * does not tell the format: IZDE_ERR_INVALID_ARG when they do not either.
 * Caller owns *out_reader; close with izde_reader_close().
 * Thread safety: readers of feeds and pages set libxml2's per-thread error handlers while
 * parsing and restore them after; the first one opened initialises libxml2, which a
 * multi-threaded program should do from one thread first (all izde programs read inputs from
 * their main thread). */
izde_status izde_reader_open(const char *path, izde_reader_warn_fn warn, void *warn_ctx,
                             izde_reader **out_reader, izde_error *err);

/* Reads the next entry.
 *  IZDE_OK, *out_entry != NULL: an entry; caller owns it, free with izde_entry_free().
 *  IZDE_OK, *out_entry == NULL: end of input.
 *  IZDE_ERR_INVALID_ARG: one entry was rejected; err->msg is "file:line: reason" ("file:line:
 *    item N: reason" for a feed item, "file: reason" for a whole feed or page). Call again.
 *  any other status: a fatal error (I/O, memory); stop reading. */
izde_status izde_reader_next(izde_reader *r, izde_entry **out_entry, izde_error *err);

/* Closes the reader. NULL is a no-op. */
void izde_reader_close(izde_reader *r);

/* Longest JSONL line in bytes (a longer one is rejected). */
#define IZDE_JSONL_LINE_MAX (2u << 20)

/* One JSONL line, without its line end, read exactly as the JSONL reader reads each line:
 *  IZDE_OK, *out_entry != NULL: an entry; caller owns it, free with izde_entry_free().
 *  IZDE_OK, *out_entry == NULL: a blank line, skipped.
 *  IZDE_ERR_INVALID_ARG: rejected; err->msg is the reason the reader gives after "file:line: "
 *    (a line over IZDE_JSONL_LINE_MAX bytes, invalid JSON, a field that breaks a rule).
 *  IZDE_ERR_NOMEM: out of memory.
 * For programs that take entries other than from files (izde-searchd's write API), so that an
 * entry is accepted or refused with the same words either way. */
izde_status izde_jsonl_parse_line(const char *line, size_t len, izde_entry **out_entry,
                                  izde_error *err);

/* Whether a file name is one the readers understand by its name (the suffixes above, any case;
 * or "-"). Folder walks read only such files; izde_reader_open() takes any name. */
int izde_reader_accepts(const char *path);

#ifdef __cplusplus
}
#endif
#endif
