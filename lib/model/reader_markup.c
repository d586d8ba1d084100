/* Feeds and HTML pages: the file is read whole (up to MARKUP_FILE_MAX) and parsed once, on the
 * first call; then a feed gives one entry per item, in document order, and a page one entry.
 *
 * Decisions:
 *  - What cannot be read at all (too large, not XML, an XML file that is neither a feed nor
 *    XHTML) is one rejection, "file: reason", and the file gives nothing else: the run goes on.
 *  - libxml2 recovers from malformed XML; the first error is then a warning
 *    ("file:line: malformed XML, read as far as possible: ..."), since recovery may lose text.
 *    HTML is malformed as a rule (and libxml2 does not know HTML5's elements): no warning.
 *  - An XML file whose root is <html> is an XHTML page; .html files go to the HTML parser. */
#define _POSIX_C_SOURCE 200809L

#include "markup.h"
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

struct markup_state {
    int loaded, done;
    xmlDoc *doc;
    int is_page;
    feed_info feed;
    const xmlNode *next; /* the next item */
    unsigned long n;     /* items started */
};

izde_status model_reader_markup_open(izde_reader *r, izde_error *err)
{
    if (!(r->markup = calloc(1, sizeof *r->markup)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    return IZDE_OK;
}

void model_reader_markup_free(markup_state *m)
{
    if (!m)
        return;
    xmlFreeDoc(m->doc);
    free(m);
}

char *model_markup_file_stem(const izde_reader *r)
{
    if (strcmp(r->path, "-") == 0)
        return strdup("stdin");
    const char *dot = strrchr(r->base, '.');
    size_t n = dot && dot != r->base ? (size_t)(dot - r->base) : strlen(r->base);
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, r->base, n);
        s[n] = '\0';
    }
    return s;
}

/* Reads and parses the file. IZDE_ERR_INVALID_ARG rejects the whole file. */
static izde_status load(izde_reader *r, izde_error *err)
{
    markup_state *m = r->markup;
    char *buf = NULL;
    size_t len = 0;
    int too_big = 0;
    markup_errors errs;

    m->done = 1; /* unless a feed with items or a page turns up below */
    izde_status st = model_reader_read_all(r, MARKUP_FILE_MAX, &buf, &len, &too_big, err);
    if (st != IZDE_OK)
        return st;
    if (too_big)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: larger than %u MiB; skipped", r->name,
                              MARKUP_FILE_MAX >> 20);
    m->doc = model_markup_parse(buf, len, r->kind == READER_HTML, NULL, &errs);
    free(buf);
    xmlNode *root = m->doc ? xmlDocGetRootElement(m->doc) : NULL;
    const char *lang = r->kind == READER_HTML ? "HTML" : "XML";
    if (!root && errs.line)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s:%lu: not readable as %s: %s", r->name,
                              errs.line, lang, errs.msg);
    if (!root)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: not readable as %s: %s", r->name,
                              lang, errs.n ? errs.msg : "no element");
    if (r->kind == READER_HTML || model_markup_is(root, "html")) {
        m->is_page = 1;
        m->done = 0;
        return IZDE_OK;
    }
    if (model_feed_read_info(root, &m->feed) == FEED_NONE)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "%s: not an RSS or Atom feed (the root element is <%.40s>)", r->name,
                              (const char *)root->name);
    if (errs.n)
        model_reader_warn(r, "%s:%lu: malformed XML, read as far as possible: %s%s", r->name,
                          errs.line, errs.msg, errs.n > 1 ? " (and more errors)" : "");
    m->next = model_feed_first_item(&m->feed);
    m->done = m->next == NULL;
    if (m->done)
        model_reader_warn(r, "%s: a feed without items", r->name);
    return IZDE_OK;
}

izde_status model_reader_markup_next(izde_reader *r, izde_entry **out_entry, izde_error *err)
{
    markup_state *m = r->markup;
    if (!m->loaded) {
        m->loaded = 1;
        izde_status st = load(r, err);
        if (st != IZDE_OK)
            return st;
    }
    if (m->done)
        return IZDE_OK;
    if (m->is_page) {
        m->done = 1;
        return model_html_page_entry(r, m->doc, out_entry, err);
    }
    const xmlNode *item = m->next;
    m->next = model_feed_next_item(&m->feed, item);
    m->done = m->next == NULL;
    return model_feed_item_entry(r, &m->feed, item, ++m->n, out_entry, err);
}
