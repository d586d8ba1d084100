/* Private to lib/model: libxml2 behind the few helpers that the feed and HTML readers share
 * (reader_markup.c, reader_feed.c, reader_html.c). Nothing outside lib/model includes
 * libxml2.
 *
 * Design:
 *  - Parsing is libxml2's, in recovery mode, without network access, external entities or
 *    DTD loading. libxml2 reports errors through per-thread handlers: model_markup_parse() points
 *    them at a collector for the duration of the call and puts the caller's back, so nothing
 *    is ever printed and the first error is kept for a warning.
 *  - Text comes out of a tree as a reader sees a page: paragraphs (block elements) joined with
 *    "\n\n", <br> as "\n", runs of white space (and no-break spaces) as one space, and nothing
 *    from elements that are not the story: scripts, styles, forms, navigation, page headers
 *    and footers, asides, figures, hidden elements (the list is in markup.c).
 *  - Trees are walked without recursion, so no input nests deep enough to exhaust the stack.
 */
#ifndef IZDE_MARKUP_H
#define IZDE_MARKUP_H

#include <libxml/tree.h>

#include <izde/entry.h>
#include <izde/reader.h>

#include <stddef.h>

/* Largest feed or HTML file read. A larger one is rejected whole: its tree would take several
 * times that much memory. */
#define MARKUP_FILE_MAX (32u << 20)

/* What libxml2 complained about while parsing: the first error and how many there were. */
typedef struct markup_errors {
    unsigned n;
    unsigned long line; /* of the first error, 0 when unknown */
    char msg[128];      /* the first error, one line */
} markup_errors;

/* Parses len bytes as XML (html == 0) or HTML (html == 1). encoding is a name libxml2 knows
 * ("UTF-8") or NULL to go by the document's own declaration (XML declaration, BOM, HTML
 * <meta charset>). For XML, two common mistakes of feeds are mended before parsing: named
 * HTML entities that XML does not know (&nbsp;, &laquo;) are read as the characters they
 * stand for, and an '&' that starts no reference ("?a=1&b=2") as itself.
 * Returns the tree (free with xmlFreeDoc()) or NULL when nothing could be read or memory ran
 * out; *out_errors, when not NULL, gets the parser's complaints. */
xmlDoc *model_markup_parse(const char *buf, size_t len, int html, const char *encoding,
                           markup_errors *out_errors);

/* ---- text ---- */

/* A growing string with a size cap and sticky errors (checked once, at the end). */
typedef struct mtext {
    char *s; /* NUL-terminated once anything was added; NULL before */
    size_t len, cap, max;
    int pending;  /* separator owed before the next text: MTEXT_* */
    int too_long; /* more than max bytes were offered; s holds the first max at most */
    int nomem;
} mtext;

enum { MTEXT_NONE, MTEXT_SPACE, MTEXT_LINE, MTEXT_PARA };

void model_mtext_init(mtext *t, size_t max);
/* Empties t for reuse (keeps its memory). */
void model_mtext_reset(mtext *t);
void model_mtext_free(mtext *t);
/* Appends s[0..n) with white space collapsed; text and separators never start or end t. */
void model_mtext_add(mtext *t, const char *s, size_t n);
/* Owes at least this separator (MTEXT_SPACE, MTEXT_LINE, MTEXT_PARA) before the next text. */
void model_mtext_break(mtext *t, int level);
/* Appends plain text whose blank lines end paragraphs: lines of a paragraph are joined with
 * "\n", paragraphs with "\n\n" (as in a .txt news page), other white space collapsed. */
void model_mtext_add_paragraphs(mtext *t, const char *s, size_t n);
/* Takes the text: NULL when empty. Caller owns (free()); t is left empty. */
char *model_mtext_take(mtext *t);

/* Flags of model_markup_text(). */
enum {
    MARKUP_SKIP_H1 = 1, /* leave out <h1>: on an article page it is the title */
};

/* Appends the readable text below root (not root's own name or attributes), as described at
 * the top of this file. Works on XML (XHTML) and HTML trees; names compare without case. */
void model_markup_text(mtext *t, const xmlNode *root, int flags);

/* Appends every piece of text below node, white space collapsed, nothing left out: for
 * titles, dates, ids and links. */
void model_markup_plain(mtext *t, const xmlNode *node);

/* Parses html (UTF-8; a fragment or a whole page) and appends its readable text. Plain text
 * goes through unchanged apart from entities ("&amp;" -> "&") and white space. */
void model_markup_html_text(mtext *t, const char *html, size_t len);

/* ---- trees ---- */

/* Whether n is an element with this local name (ASCII case ignored). */
int model_markup_is(const xmlNode *n, const char *name);

/* Whether n is an element name in namespace ns (not NULL). A feed that uses a prefix without
 * declaring it is read anyway: then the element is "prefix:name" without a namespace. */
int model_markup_is_ns(const xmlNode *n, const char *name, const char *ns, const char *prefix);

/* The first child element of n that model_markup_is_ns() accepts, or NULL. */
xmlNode *model_markup_child(const xmlNode *n, const char *name, const char *ns, const char *prefix);

/* Attribute value (ASCII case of the name ignored), borrowed from the tree; NULL when absent.
 * Only plain attribute values are seen (no entity references inside them). */
const char *model_markup_attr(const xmlNode *n, const char *name);

/* The next element after n in document order (descending into n unless skip_children), within
 * root; NULL at the end. */
xmlNode *model_markup_next(const xmlNode *root, const xmlNode *n, int skip_children);

/* Line of n in its file (0 when unknown). */
unsigned long model_markup_line(const xmlNode *n);

/* ---- values ---- */

/* Converts an RFC 822 / RFC 2822 date as RSS writes it ("Tue, 05 Mar 2024 14:30:00 +0600",
 * "5 Mar 24 14:30 GMT") into ISO 8601 ("2024-03-05T14:30:00+06:00"); the zone is left out
 * when it is a name izde does not know (the calendar date is what izde keeps). Returns 0 when
 * s is not such a date (out is then ""). */
int model_markup_rfc822_date(const char *s, char *out, size_t cap);

/* izde's language for a declared one: "en", "kk", "ru" for en/eng, kk/kaz (and "kz", the
 * country code that Kazakh sites often give), ru/rus, with any region ("ru-RU", "kk_KZ");
 * "" for anything else (the entry's language is then detected). Static string. */
const char *model_markup_lang(const char *tag);

/* The host of an http(s) URL, lower-cased, without "www." and port: "https://www.Inform.kz/ru/x"
 * gives "inform.kz". Returns 0 (out "") when url has no host. */
int model_markup_host(const char *url, char *out, size_t cap);

/* s as it may be quoted in a message: at most 40 bytes of it, cut between characters, control
 * characters and invalid UTF-8 as '?'. */
void model_markup_quote(const char *s, char out[48]);

/* A copy of s[0..n) with white space trimmed at both ends; NULL when nothing is left or on out
 * of memory (*nomem is then set). Caller owns (free()). */
char *model_markup_trimmed(const char *s, size_t n, int *nomem);

/* An id made from candidate (a guid, an Atom id, a URL): trimmed; when longer than
 * IZDE_ID_MAX, its first 200 bytes (whole characters), '#' and a hash of all of it, so it
 * stays stable and distinct. NULL for an empty candidate or out of memory (*nomem set). */
char *model_markup_id(const char *candidate, int *nomem);

/* ---- the parts of the markup reader (reader_markup.c drives reader_feed.c and
 * reader_html.c) ---- */

typedef enum feed_type { FEED_NONE, FEED_RSS, FEED_ATOM, FEED_RDF } feed_type;

/* What a feed says for all of its items, read once. */
typedef struct feed_info {
    feed_type type;
    const xmlNode *root;
    const xmlNode *channel; /* RSS and RSS 1.0 <channel>, Atom <feed> */
    char lang[3];           /* the feed's declared language as izde's, "" when none known */
    char site[256];         /* host of the feed's site link, "" when none */
} feed_info;

/* The kind of feed root is (FEED_NONE: not a feed) and what it says for all its items. */
feed_type model_feed_read_info(const xmlNode *root, feed_info *out_info);

/* The first item of the feed, and the one after item; NULL at the end. */
const xmlNode *model_feed_first_item(const feed_info *fi);
const xmlNode *model_feed_next_item(const feed_info *fi, const xmlNode *item);

/* Item n (from 1) of the feed as an entry. IZDE_OK and *out_entry; IZDE_ERR_INVALID_ARG with
 * err->msg "file:line: item n: reason" when the item is rejected; IZDE_ERR_NOMEM. */
izde_status model_feed_item_entry(izde_reader *r, const feed_info *fi, const xmlNode *item,
                                  unsigned long n, izde_entry **out_entry, izde_error *err);

/* An HTML or XHTML article page as one entry; IZDE_ERR_INVALID_ARG with err->msg "file:
 * reason" when it has no article text or an unusable date; IZDE_ERR_NOMEM. */
izde_status model_html_page_entry(izde_reader *r, const xmlDoc *doc, izde_entry **out_entry,
                                  izde_error *err);

/* The file's name without its extension, for ids of items that have none ("stdin" for "-").
 * Caller owns (free()); NULL on out of memory. */
char *model_markup_file_stem(const izde_reader *r);

#endif
