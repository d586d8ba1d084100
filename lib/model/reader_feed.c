/* Feed items as entries: RSS 2.0, RSS 1.0 (RDF) and Atom 1.0.
 *
 * Decisions (the README's "Feeds and article pages" says the same for users):
 *  - body: the fullest text the item has: content:encoded, else yandex:full-text (the full
 *    text Russian-language sites give Yandex), else description; in Atom, content (text, html
 *    or xhtml; not one given by src) else summary. HTML in it, escaped or in CDATA, is parsed
 *    and only its readable text kept (markup.h).
 *  - id: guid (Atom id, RSS 1.0 rdf:about), else the link, else "<site or file>-<hash>" of the
 *    title, date and text, so that reading the same feed again gives the same ids.
 *  - date: pubDate (RFC 822, kept as ISO 8601 with its zone), dc:date, Atom published, else
 *    updated. A date that cannot be read rejects the item, as in JSONL; no date is no date.
 *  - lang: xml:lang on the item or its ancestors, else the channel's <language> (dc:language);
 *    a language izde does not index leaves it to detection.
 *  - tags: <category> (Atom: label, else term) and dc:subject; source: the host of the feed's
 *    site link, else of the item's link, else the file name.
 *  - title: plain text; an RSS title that still holds '<' or '&' after XML is read as HTML
 *    (feeds double-escape: "&amp;quot;"); an Atom title by its type. */
#define _POSIX_C_SOURCE 200809L

#include "markup.h"
#include "reader_internal.h"

#include <libxml/uri.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_YANDEX "http://news.yandex.ru"
#define NS_USERLAND "http://backend.userland.com/rss2" /* RSS 2.0 in a namespace: rare, seen */

/* Longest date text looked at; longer is no date. */
#define DATE_TEXT_MAX 80

/* An RSS or Atom element of this name: in no namespace or the format's own (a feed that
 * forgets Atom's xmlns is still read; RSS 2.0 has none, but some feeds give it Userland's). */
static int own(const xmlNode *n, const char *name, feed_type type)
{
    if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
        return 0;
    if (!n->ns || !n->ns->href)
        return 1;
    const char *ns = (const char *)n->ns->href;
    return type == FEED_ATOM  ? !strcmp(ns, NS_ATOM)
           : type == FEED_RDF ? !strcmp(ns, NS_RSS1)
                              : !strcmp(ns, NS_USERLAND);
}

static const xmlNode *own_child(const xmlNode *n, const char *name, feed_type type)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (own(c, name, type))
            return c;
    return NULL;
}

/* The plain text of n, trimmed, into buf; "" when none. */
static void plain_into(const xmlNode *n, char *buf, size_t cap)
{
    mtext t;
    model_mtext_init(&t, cap - 1);
    buf[0] = '\0';
    if (n)
        model_markup_plain(&t, n);
    if (t.len && !t.too_long)
        memcpy(buf, t.s, t.len + 1);
    model_mtext_free(&t);
}

/* An Atom link to the entry's (or feed's) page: rel absent or "alternate", href resolved
 * against xml:base. Caller frees; NULL when none. */
static char *atom_link(const xmlNode *parent, int *nomem)
{
    for (const xmlNode *c = parent->children; c; c = c->next) {
        const char *rel = model_markup_attr(c, "rel"), *href = model_markup_attr(c, "href");
        if (!own(c, "link", FEED_ATOM) || !href || (rel && strcmp(rel, "alternate") != 0))
            continue;
        xmlChar *base = xmlNodeGetBase(c->doc, c);
        xmlChar *full = base ? xmlBuildURI((const xmlChar *)href, base) : NULL;
        char *url = model_markup_trimmed(full ? (const char *)full : href,
                                         strlen(full ? (const char *)full : href), nomem);
        xmlFree(full);
        xmlFree(base);
        return url;
    }
    return NULL;
}

feed_type model_feed_read_info(const xmlNode *root, feed_info *fi)
{
    memset(fi, 0, sizeof *fi);
    fi->root = root;
    if (model_markup_is(root, "rss")) {
        fi->type = FEED_RSS;
        fi->channel = own_child(root, "channel", FEED_RSS);
    } else if (own(root, "feed", FEED_ATOM)) {
        fi->type = FEED_ATOM;
        fi->channel = root;
    } else if (model_markup_is(root, "RDF")) {
        fi->type = FEED_RDF;
        fi->channel = own_child(root, "channel", FEED_RDF);
    } else {
        return FEED_NONE;
    }
    char text[256] = "";
    if (fi->channel && fi->type != FEED_ATOM) {
        plain_into(own_child(fi->channel, "language", fi->type), text, sizeof text);
        if (!text[0])
            plain_into(model_markup_child(fi->channel, "language", NS_DC, "dc"), text, sizeof text);
        snprintf(fi->lang, sizeof fi->lang, "%s", model_markup_lang(text));
        plain_into(own_child(fi->channel, "link", fi->type), text, sizeof text);
        model_markup_host(text, fi->site, sizeof fi->site);
    } else if (fi->type == FEED_ATOM) {
        xmlChar *lang = xmlNodeGetLang(root);
        snprintf(fi->lang, sizeof fi->lang, "%s", model_markup_lang((const char *)lang));
        xmlFree(lang);
        int nomem = 0;
        char *link = atom_link(root, &nomem);
        if (link)
            model_markup_host(link, fi->site, sizeof fi->site);
        free(link);
    }
    return fi->type;
}

static int is_item(const feed_info *fi, const xmlNode *n)
{
    return fi->type == FEED_ATOM ? own(n, "entry", FEED_ATOM) : own(n, "item", fi->type);
}

/* Items are looked for anywhere below the root, in document order, not only where the formats
 * put them (children of <channel>, <feed> or <rdf:RDF>): recovering from a malformed feed
 * (an unclosed <br> in a description) nests the items that follow inside the broken one, and
 * some feeds put items beside <channel>. An item's own fields are its children, so nested
 * items do not mix. Text constructs are not searched (an XHTML <item> is not an item). */
static const xmlNode *item_from(const feed_info *fi, const xmlNode *n)
{
    while (n && !is_item(fi, n)) {
        int opaque = model_markup_is(n, "content") || model_markup_is(n, "summary") ||
                     model_markup_is(n, "description") || model_markup_is(n, "encoded");
        n = model_markup_next(fi->root, n, opaque);
    }
    return n;
}

const xmlNode *model_feed_first_item(const feed_info *fi)
{
    return item_from(fi, model_markup_next(fi->root, fi->root, 0));
}

const xmlNode *model_feed_next_item(const feed_info *fi, const xmlNode *item)
{
    return item_from(fi, model_markup_next(fi->root, item, 0));
}

/* ---- one item ---- */

typedef struct item_state {
    izde_reader *r;
    const feed_info *fi;
    const xmlNode *item;
    unsigned long n;
    izde_error *err;
    mtext text;
    int nomem;
} item_state;

static izde_status reject(item_state *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static izde_status reject(item_state *s, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    unsigned long line = model_markup_line(s->item);
    if (line)
        return izde_error_set(s->err, IZDE_ERR_INVALID_ARG, "%s:%lu: item %lu: %s", s->r->name,
                              line, s->n, why);
    return izde_error_set(s->err, IZDE_ERR_INVALID_ARG, "%s: item %lu: %s", s->r->name, s->n, why);
}

enum text_kind {
    TEXT_PLAIN, /* a title: one line */
    TEXT_PARAS, /* plain text whose blank lines end paragraphs */
    TEXT_HTML,
    TEXT_XHTML,
    TEXT_RSS_TITLE, /* plain, unless it still holds '<' or '&': then HTML */
    TEXT_MAYBE_HTML /* paragraphs, unless it holds '<': then HTML */
};

/* The text of element n read as kind, appended to s->text. */
static void add_text(item_state *s, const xmlNode *n, enum text_kind kind)
{
    if (kind == TEXT_XHTML) {
        model_markup_text(&s->text, n, 0);
        return;
    }
    if (kind == TEXT_PLAIN) {
        model_markup_plain(&s->text, n);
        return;
    }
    /* HTML written into the feed unescaped (broken feeds do): elements, not text. */
    for (const xmlNode *c = n->children; kind != TEXT_RSS_TITLE && c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            model_markup_text(&s->text, n, 0);
            return;
        }
    }
    /* The raw text, white space and all: model_markup_plain() would fold the lines. */
    xmlChar *content = xmlNodeGetContent(n);
    const char *raw = content ? (const char *)content : "";
    size_t len = strlen(raw);
    int html = memchr(raw, '<', len) != NULL;
    if (kind == TEXT_RSS_TITLE && !html && !memchr(raw, '&', len))
        model_mtext_add(&s->text, raw, len);
    else if (kind == TEXT_PARAS || (kind == TEXT_MAYBE_HTML && !html))
        model_mtext_add_paragraphs(&s->text, raw, len);
    else
        model_markup_html_text(&s->text, raw, len);
    xmlFree(content);
}

/* How an Atom text construct (title, summary, content) holds its text; -1 for content that
 * is not text (a media type) or is elsewhere (src). */
static int atom_kind(const xmlNode *n)
{
    const char *type = model_markup_attr(n, "type");
    if (model_markup_attr(n, "src"))
        return -1;
    if (!type || !strcmp(type, "text") || !strncmp(type, "text/plain", 10))
        return TEXT_PARAS;
    if (!strcmp(type, "html") || !strncmp(type, "text/html", 9))
        return TEXT_HTML;
    if (!strcmp(type, "xhtml") || !strncmp(type, "application/xhtml+xml", 21))
        return TEXT_XHTML;
    return !strncmp(type, "text/", 5) ? TEXT_PARAS : -1;
}

/* Empties s->text for a field of at most max bytes. */
static void restart(item_state *s, size_t max)
{
    model_mtext_free(&s->text);
    model_mtext_init(&s->text, max);
}

/* Takes s->text as a string (NULL when empty); rejects when it was over its cap. */
static izde_status take_text(item_state *s, const char *field, size_t max, char **out)
{
    *out = NULL;
    if (s->text.nomem || s->nomem)
        return izde_error_set(s->err, IZDE_ERR_NOMEM, "out of memory");
    if (s->text.too_long) {
        model_mtext_reset(&s->text);
        return reject(s, "%s: longer than %zu bytes", field, max);
    }
    *out = model_mtext_take(&s->text);
    return IZDE_OK;
}

static izde_status item_title(item_state *s, izde_entry *e)
{
    int atom = s->fi->type == FEED_ATOM;
    const xmlNode *n = own_child(s->item, "title", s->fi->type);
    if (!n)
        return IZDE_OK;
    restart(s, IZDE_TITLE_MAX);
    int kind = atom ? atom_kind(n) : TEXT_RSS_TITLE;
    add_text(s, n, kind < 0 || kind == TEXT_PARAS ? TEXT_PLAIN : (enum text_kind)kind);
    return take_text(s, "title", IZDE_TITLE_MAX, &e->title);
}

static izde_status item_body(item_state *s, izde_entry *e)
{
    const xmlNode *item = s->item;
    restart(s, IZDE_BODY_MAX);
    if (s->fi->type == FEED_ATOM) {
        const xmlNode *content = own_child(item, "content", FEED_ATOM);
        int kind = content ? atom_kind(content) : -1;
        if (kind >= 0)
            add_text(s, content, (enum text_kind)kind);
        const xmlNode *summary = own_child(item, "summary", FEED_ATOM);
        if (s->text.len == 0 && summary && (kind = atom_kind(summary)) >= 0)
            add_text(s, summary, (enum text_kind)kind);
    } else {
        const xmlNode *fields[] = {model_markup_child(item, "encoded", NS_CONTENT, "content"),
                                   model_markup_child(item, "full-text", NS_YANDEX, "yandex"),
                                   own_child(item, "description", s->fi->type)};
        static const enum text_kind kinds[] = {TEXT_HTML, TEXT_MAYBE_HTML, TEXT_HTML};
        for (size_t i = 0; i < 3 && s->text.len == 0 && !s->text.too_long; i++)
            if (fields[i])
                add_text(s, fields[i], kinds[i]);
    }
    izde_status st = take_text(s, "text", IZDE_BODY_MAX, &e->body);
    if (st == IZDE_OK && !e->body)
        return reject(s, "no text (%s)",
                      s->fi->type == FEED_ATOM ? "content, summary"
                                               : "content:encoded, description");
    return st;
}

static izde_status item_date(item_state *s, izde_entry *e)
{
    const xmlNode *item = s->item;
    const xmlNode *n = NULL;
    const char *what = NULL;
    int rfc822 = 0;
    if (s->fi->type == FEED_ATOM) {
        if ((n = own_child(item, "published", FEED_ATOM)))
            what = "published";
        else if ((n = own_child(item, "updated", FEED_ATOM)))
            what = "updated";
    } else if ((n = own_child(item, "pubDate", s->fi->type))) {
        what = "pubDate";
        rfc822 = 1;
    } else if ((n = model_markup_child(item, "date", NS_DC, "dc"))) {
        what = "dc:date";
    }
    if (!n)
        return IZDE_OK;
    char text[DATE_TEXT_MAX + 1], iso[64], shown[48];
    plain_into(n, text, sizeof text);
    if (!text[0])
        return IZDE_OK;
    const char *date = NULL;
    /* Some feeds write ISO 8601 in pubDate: take what izde reads as it is. */
    if (izde_date_parse(text, strlen(text), NULL, NULL) == IZDE_OK)
        date = text;
    else if (rfc822 && model_markup_rfc822_date(text, iso, sizeof iso))
        date = iso;
    if (!date) {
        model_markup_quote(text, shown);
        return reject(s, "date: cannot read %s '%s'", what, shown);
    }
    if (!(e->date = strdup(date)))
        return izde_error_set(s->err, IZDE_ERR_NOMEM, "out of memory");
    return izde_date_parse(e->date, strlen(e->date), &e->day, NULL);
}

static izde_status item_tags(item_state *s, izde_entry *e)
{
    for (const xmlNode *c = s->item->children; c && e->n_tags < IZDE_TAGS_MAX; c = c->next) {
        int category = own(c, "category", s->fi->type);
        if (!category && !model_markup_is_ns(c, "subject", NS_DC, "dc"))
            continue;
        int atom = category && s->fi->type == FEED_ATOM; /* the tag is in attributes */
        char text[IZDE_FIELD_MAX + 1] = "";
        const char *v = atom ? model_markup_attr(c, "label") : NULL;
        if (atom && (!v || !*v))
            v = model_markup_attr(c, "term");
        if (!atom) {
            plain_into(c, text, sizeof text);
            v = text;
        }
        char *tag = v ? model_markup_trimmed(v, strlen(v), &s->nomem) : NULL;
        if (!tag || strlen(tag) > IZDE_FIELD_MAX) {
            free(tag);
            continue;
        }
        int dup = 0;
        for (size_t i = 0; i < e->n_tags && !dup; i++)
            dup = !strcmp(e->tags[i], tag);
        if (dup) {
            free(tag);
            continue;
        }
        if (!e->tags && !(e->tags = calloc(IZDE_TAGS_MAX, sizeof *e->tags))) {
            free(tag);
            s->nomem = 1;
            break;
        }
        e->tags[e->n_tags++] = tag;
    }
    return s->nomem ? izde_error_set(s->err, IZDE_ERR_NOMEM, "out of memory") : IZDE_OK;
}

/* Text of the first own child called name, trimmed; NULL when none. */
static char *child_text(item_state *s, const char *name)
{
    char text[IZDE_FIELD_MAX + 1];
    plain_into(own_child(s->item, name, s->fi->type), text, sizeof text);
    return text[0] ? model_markup_trimmed(text, strlen(text), &s->nomem) : NULL;
}

static int http_url(const char *s)
{
    return s && (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8));
}

/* id, url and source. */
static izde_status item_names(item_state *s, izde_entry *e)
{
    char *id_text = NULL;
    feed_type type = s->fi->type;
    if (type == FEED_ATOM) {
        e->url = atom_link(s->item, &s->nomem);
        id_text = child_text(s, "id");
    } else {
        e->url = child_text(s, "link");
        id_text = child_text(s, "guid");
        if (!id_text && type == FEED_RDF && model_markup_attr(s->item, "about"))
            id_text = model_markup_trimmed(model_markup_attr(s->item, "about"),
                                           strlen(model_markup_attr(s->item, "about")), &s->nomem);
        const xmlNode *guid = own_child(s->item, "guid", type);
        const char *permalink = guid ? model_markup_attr(guid, "isPermaLink") : NULL;
        if (!e->url && http_url(id_text) && !(permalink && !strcmp(permalink, "false")) &&
            !(e->url = strdup(id_text)))
            s->nomem = 1;
    }
    if (e->url && strlen(e->url) > IZDE_FIELD_MAX) {
        free(e->url);
        e->url = NULL;
    }
    e->id = model_markup_id(id_text ? id_text : e->url, &s->nomem);
    free(id_text);
    char host[256] = "";
    if (!s->fi->site[0] && e->url)
        model_markup_host(e->url, host, sizeof host);
    const char *source = s->fi->site[0]                 ? s->fi->site
                         : host[0]                      ? host
                         : strcmp(s->r->path, "-") != 0 ? s->r->base
                                                        : NULL;
    if (source && !(e->source = strdup(source)))
        s->nomem = 1;
    if (!e->id && !s->nomem) {
        /* No guid, id or link: a hash of what the item says, under the site's name. */
        izde_entry tmp = {.title = e->title, .date = e->date, .body = e->body};
        char *stem = s->fi->site[0] ? strdup(s->fi->site) : model_markup_file_stem(s->r);
        size_t cap = (stem ? strlen(stem) : 0) + 18;
        if (stem && (e->id = malloc(cap)))
            snprintf(e->id, cap, "%s-%016llx", stem,
                     (unsigned long long)izde_entry_content_hash(&tmp));
        s->nomem = !e->id;
        free(stem);
    }
    return s->nomem ? izde_error_set(s->err, IZDE_ERR_NOMEM, "out of memory") : IZDE_OK;
}

/* The item's xml:lang (in Atom, its content's), inherited from above as XML does; else the
 * channel's <language>. */
static void item_lang(item_state *s, izde_entry *e)
{
    const xmlNode *where = s->item;
    const xmlNode *content =
        s->fi->type == FEED_ATOM ? own_child(s->item, "content", FEED_ATOM) : NULL;
    xmlChar *declared = xmlNodeGetLang(content ? content : where);
    snprintf(e->lang, sizeof e->lang, "%s",
             declared ? model_markup_lang((const char *)declared) : s->fi->lang);
    xmlFree(declared);
}

izde_status model_feed_item_entry(izde_reader *r, const feed_info *fi, const xmlNode *item,
                                  unsigned long n, izde_entry **out_entry, izde_error *err)
{
    item_state s = {.r = r, .fi = fi, .item = item, .n = n, .err = err};
    izde_entry *e = izde_entry_new();
    izde_error why;
    izde_status st = e ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");

    if (st == IZDE_OK)
        st = item_title(&s, e);
    if (st == IZDE_OK)
        st = item_body(&s, e);
    if (st == IZDE_OK)
        st = item_date(&s, e);
    if (st == IZDE_OK)
        st = item_tags(&s, e);
    if (st == IZDE_OK)
        st = item_names(&s, e);
    if (st == IZDE_OK)
        item_lang(&s, e);
    if (st == IZDE_OK && izde_entry_validate(e, &why) != IZDE_OK)
        st = reject(&s, "%s", why.msg);
    model_mtext_free(&s.text);
    if (st != IZDE_OK) {
        izde_entry_free(e);
        return st;
    }
    *out_entry = e;
    return IZDE_OK;
}
