/* An HTML (or XHTML) article page as one entry.
 *
 * Decisions (the README's "Feeds and article pages" says the same for users):
 *  - body: the readable text (markup.h) of the story: the <article> with the most text (one
 *    inside an aside, nav, header or footer is a teaser, not the story), else the element with
 *    itemprop="articleBody", else <main> (or role="main"), else <body>. Its <h1> is the title,
 *    so it is left out of the body.
 *  - title: og:title, else the first <h1> of the story, else of the page, else <title>.
 *  - date: article:published_time, else itemprop="datePublished", else JSON-LD's
 *    datePublished, else the first <time datetime> of the story, else <meta name="date"> and
 *    its kin; the first one izde can read (ISO 8601, or RFC 822) is kept. When there are some
 *    and none can be read, the page is rejected, as a JSONL entry with a bad date is.
 *  - lang: <html lang> (xml:lang), else Content-Language, else og:locale; else detection.
 *  - id and url: <link rel="canonical">, else og:url; without either the id is the file name
 *    without its extension and there is no url. source: the url's host, else the file name.
 *  - tags: article:tag. */
#define _POSIX_C_SOURCE 200809L

#include "markup.h"
#include "reader_internal.h"

#include <jansson.h>
#include <libxml/uri.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Candidates looked at: <article> elements, JSON-LD blocks, dates. */
#define MAX_ARTICLES 64
#define MAX_JSONLD 8
#define MAX_DATES 8
/* Nesting searched in a JSON-LD block for datePublished (@graph, lists). */
#define JSONLD_DEPTH 4

typedef struct date_candidate {
    const char *value; /* borrowed from the tree, or from page.jsonld_dates */
    const char *what;  /* where it came from, for a message */
} date_candidate;

/* What one walk over the page finds. Pointers are borrowed from the tree. */
typedef struct page {
    const xmlNode *html, *body, *main, *article_body, *h1, *title;
    const xmlNode *articles[MAX_ARTICLES];
    size_t n_articles;
    const xmlNode *jsonld[MAX_JSONLD];
    size_t n_jsonld;
    const char *og_title, *og_url, *canonical, *content_language, *og_locale;
    date_candidate published, itemprop_date, other_date;
    const char *tags[IZDE_TAGS_MAX];
    size_t n_tags;
} page;

/* Whether n sits inside page furniture, where an <article> is a teaser of another story. */
static int in_furniture(const xmlNode *n)
{
    for (const xmlNode *p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (model_markup_is(p, "aside") || model_markup_is(p, "nav") ||
            model_markup_is(p, "header") || model_markup_is(p, "footer"))
            return 1;
    return 0;
}

static int attr_is(const xmlNode *n, const char *name, const char *value)
{
    const char *v = model_markup_attr(n, name);
    return v && strcasecmp(v, value) == 0;
}

static void scan_meta(page *p, const xmlNode *n)
{
    const char *content = model_markup_attr(n, "content");
    const char *key = model_markup_attr(n, "property");
    if (!key)
        key = model_markup_attr(n, "name");
    if (!content || !*content)
        return;
    if (attr_is(n, "itemprop", "datePublished") && !p->itemprop_date.value)
        p->itemprop_date = (date_candidate){content, "datePublished"};
    if (attr_is(n, "http-equiv", "content-language") && !p->content_language)
        p->content_language = content;
    if (!key)
        return;
    static const char *const date_names[] = {
        "date",    "pubdate",        "publishdate",     "dc.date.issued",
        "dc.date", "dcterms.issued", "dcterms.created", NULL};
    if (!strcasecmp(key, "og:title") && !p->og_title)
        p->og_title = content;
    else if (!strcasecmp(key, "og:url") && !p->og_url)
        p->og_url = content;
    else if (!strcasecmp(key, "og:locale") && !p->og_locale)
        p->og_locale = content;
    else if (!strcasecmp(key, "article:published_time") && !p->published.value)
        p->published = (date_candidate){content, "article:published_time"};
    else if (!strcasecmp(key, "article:tag") && p->n_tags < IZDE_TAGS_MAX)
        p->tags[p->n_tags++] = content;
    else if (!p->other_date.value)
        for (size_t i = 0; date_names[i]; i++)
            if (!strcasecmp(key, date_names[i]))
                p->other_date = (date_candidate){content, date_names[i]};
}

static void scan(page *p, const xmlNode *root)
{
    memset(p, 0, sizeof *p);
    p->html = root;
    for (const xmlNode *n = root; n; n = model_markup_next(root, n, 0)) {
        if (model_markup_is(n, "meta")) {
            scan_meta(p, n);
        } else if (model_markup_is(n, "link")) {
            const char *rel = model_markup_attr(n, "rel");
            if (rel && !strcasecmp(rel, "canonical") && !p->canonical)
                p->canonical = model_markup_attr(n, "href");
        } else if (model_markup_is(n, "title") && !p->title) {
            p->title = n;
        } else if (model_markup_is(n, "script")) {
            if (attr_is(n, "type", "application/ld+json") && p->n_jsonld < MAX_JSONLD)
                p->jsonld[p->n_jsonld++] = n;
        } else if (model_markup_is(n, "body") && !p->body) {
            p->body = n;
        } else if (model_markup_is(n, "article") && p->n_articles < MAX_ARTICLES &&
                   !in_furniture(n)) {
            p->articles[p->n_articles++] = n;
        } else if (model_markup_is(n, "h1") && !p->h1) {
            p->h1 = n;
        }
        if (!p->main && (model_markup_is(n, "main") || attr_is(n, "role", "main")))
            p->main = n;
        if (!p->article_body && attr_is(n, "itemprop", "articleBody"))
            p->article_body = n;
        if (!p->itemprop_date.value && attr_is(n, "itemprop", "datePublished")) {
            const char *v = model_markup_attr(n, "datetime");
            if (v && *v)
                p->itemprop_date = (date_candidate){v, "datePublished"};
        }
    }
}

/* The story's element and its text (into t). */
static const xmlNode *story(const page *p, mtext *t)
{
    const xmlNode *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < p->n_articles; i++) {
        model_mtext_reset(t);
        model_markup_text(t, p->articles[i], MARKUP_SKIP_H1);
        if (t->nomem)
            return NULL;
        if (!best || t->len > best_len || (t->too_long && best_len < t->max)) {
            best = p->articles[i];
            best_len = t->too_long ? t->max : t->len;
        }
    }
    if (!best || best_len == 0)
        best = p->article_body ? p->article_body : p->main ? p->main : p->body ? p->body : p->html;
    model_mtext_reset(t);
    model_markup_text(t, best, MARKUP_SKIP_H1);
    return best;
}

/* The first <h1> below n (not in furniture), or NULL. */
static const xmlNode *first_h1(const xmlNode *n)
{
    for (const xmlNode *c = model_markup_next(n, n, 0); c; c = model_markup_next(n, c, 0))
        if (model_markup_is(c, "h1"))
            return c;
    return NULL;
}

/* A string field: trimmed text of an element, or an attribute value. NULL when empty. */
static char *plain_of(const xmlNode *n, size_t max, int *nomem)
{
    mtext t;
    model_mtext_init(&t, max);
    model_markup_plain(&t, n);
    char *s = t.too_long ? NULL : model_mtext_take(&t);
    *nomem |= t.nomem;
    model_mtext_free(&t);
    return s;
}

static char *title_of(const page *p, const xmlNode *content, int *nomem)
{
    if (p->og_title && *p->og_title) {
        mtext t;
        model_mtext_init(&t, IZDE_TITLE_MAX);
        model_mtext_add(&t, p->og_title, strlen(p->og_title));
        char *s = t.too_long ? NULL : model_mtext_take(&t);
        *nomem |= t.nomem;
        model_mtext_free(&t);
        if (s)
            return s;
    }
    const xmlNode *h1 = first_h1(content);
    const xmlNode *order[] = {h1, p->h1, p->title};
    for (size_t i = 0; i < 3; i++) {
        char *s = order[i] ? plain_of(order[i], IZDE_TITLE_MAX, nomem) : NULL;
        if (s)
            return s;
    }
    return NULL;
}

/* datePublished in a JSON-LD value: an object, a list, an @graph; depth-limited. */
static const char *jsonld_date(const json_t *v, int depth)
{
    if (depth > JSONLD_DEPTH)
        return NULL;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            const char *d = jsonld_date(json_array_get(v, i), depth + 1);
            if (d)
                return d;
        }
        return NULL;
    }
    if (!json_is_object(v))
        return NULL;
    const char *d = json_string_value(json_object_get(v, "datePublished"));
    if (d && *d)
        return d;
    return jsonld_date(json_object_get(v, "@graph"), depth + 1);
}

/* Tries one date: the ISO form izde reads, else RFC 822. Fills e->date and e->day. */
static int try_date(const char *value, izde_entry *e, int *nomem)
{
    char iso[64];
    char *v = value ? model_markup_trimmed(value, strlen(value), nomem) : NULL;
    if (!v)
        return 0;
    int ok = 0;
    if (strlen(v) <= 64 && izde_date_parse(v, strlen(v), &e->day, NULL) == IZDE_OK) {
        e->date = v;
        return 1;
    }
    if (model_markup_rfc822_date(v, iso, sizeof iso) &&
        izde_date_parse(iso, strlen(iso), &e->day, NULL) == IZDE_OK) {
        ok = (e->date = strdup(iso)) != NULL;
        *nomem |= !ok;
    }
    free(v);
    return ok;
}

/* The page's date. IZDE_ERR_INVALID_ARG (err filled) when it has dates and none is readable. */
static izde_status page_date(izde_reader *r, const page *p, const xmlNode *content, izde_entry *e,
                             int *nomem, izde_error *err)
{
    date_candidate c[MAX_DATES];
    size_t n = 0;
    json_t *ld[MAX_JSONLD] = {0};

    if (p->published.value)
        c[n++] = p->published;
    if (p->itemprop_date.value)
        c[n++] = p->itemprop_date;
    for (size_t i = 0; i < p->n_jsonld && n < MAX_DATES - 2; i++) {
        xmlChar *text = xmlNodeGetContent(p->jsonld[i]);
        if (text)
            ld[i] = json_loads((const char *)text, 0, NULL);
        xmlFree(text);
        const char *d = ld[i] ? jsonld_date(ld[i], 0) : NULL;
        if (d)
            c[n++] = (date_candidate){d, "JSON-LD datePublished"};
    }
    for (const xmlNode *t = content; t && n < MAX_DATES - 1; t = model_markup_next(content, t, 0)) {
        const char *v = model_markup_is(t, "time") ? model_markup_attr(t, "datetime") : NULL;
        if (v && *v) {
            c[n++] = (date_candidate){v, "<time datetime>"};
            break;
        }
    }
    if (p->other_date.value)
        c[n++] = p->other_date;
    izde_status st = IZDE_OK;
    size_t i = 0;
    while (i < n && !try_date(c[i].value, e, nomem) && !*nomem)
        i++;
    if (i == n && n > 0 && !*nomem) {
        char shown[48];
        model_markup_quote(c[0].value, shown);
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: date: cannot read %s '%s'", r->name,
                            c[0].what, shown);
    }
    for (size_t k = 0; k < MAX_JSONLD; k++)
        json_decref(ld[k]);
    return st;
}

static const char *page_lang(const page *p)
{
    const char *declared = model_markup_attr(p->html, "lang");
    if (!declared || !*declared)
        declared = p->content_language;
    if (!declared || !*declared)
        declared = p->og_locale;
    return model_markup_lang(declared);
}

/* url (canonical, made absolute against og:url when relative; else og:url), id, source. */
static void page_names(izde_reader *r, const page *p, izde_entry *e, int *nomem)
{
    const char *url = p->canonical && *p->canonical ? p->canonical : p->og_url;
    xmlChar *full = NULL;
    if (url && !strstr(url, "://") && p->og_url && strstr(p->og_url, "://"))
        full = xmlBuildURI((const xmlChar *)url, (const xmlChar *)p->og_url);
    if (full)
        url = (const char *)full;
    if (url && strlen(url) <= IZDE_FIELD_MAX)
        e->url = model_markup_trimmed(url, strlen(url), nomem);
    xmlFree(full);
    e->id = e->url ? model_markup_id(e->url, nomem) : model_markup_file_stem(r);
    *nomem |= !e->id;
    char host[256];
    const char *source = e->url && model_markup_host(e->url, host, sizeof host) ? host
                         : strcmp(r->path, "-") != 0                            ? r->base
                                                                                : NULL;
    if (source && !(e->source = strdup(source)))
        *nomem = 1;
}

static void page_tags(const page *p, izde_entry *e, int *nomem)
{
    if (p->n_tags && !(e->tags = calloc(p->n_tags, sizeof *e->tags))) {
        *nomem = 1;
        return;
    }
    for (size_t i = 0; i < p->n_tags; i++) {
        char *tag = model_markup_trimmed(p->tags[i], strlen(p->tags[i]), nomem);
        int dup = 0;
        for (size_t k = 0; tag && k < e->n_tags && !dup; k++)
            dup = !strcmp(e->tags[k], tag);
        if (!tag || dup || strlen(tag) > IZDE_FIELD_MAX)
            free(tag);
        else
            e->tags[e->n_tags++] = tag;
    }
}

izde_status model_html_page_entry(izde_reader *r, const xmlDoc *doc, izde_entry **out_entry,
                                  izde_error *err)
{
    page p;
    mtext t;
    int nomem = 0;
    izde_error why;
    izde_status st = IZDE_OK;
    izde_entry *e = izde_entry_new();

    model_mtext_init(&t, IZDE_BODY_MAX);
    if (!e)
        goto nomem;
    scan(&p, xmlDocGetRootElement(doc));
    const xmlNode *content = story(&p, &t);
    if (t.nomem)
        goto nomem;
    if (t.too_long) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: article text longer than %u bytes",
                            r->name, IZDE_BODY_MAX);
        goto out;
    }
    if (!(e->body = model_mtext_take(&t))) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: no article text", r->name);
        goto out;
    }
    e->title = title_of(&p, content, &nomem);
    if ((st = page_date(r, &p, content, e, &nomem, err)) != IZDE_OK)
        goto out;
    snprintf(e->lang, sizeof e->lang, "%s", page_lang(&p));
    page_names(r, &p, e, &nomem);
    page_tags(&p, e, &nomem);
    if (nomem)
        goto nomem;
    if (izde_entry_validate(e, &why) != IZDE_OK) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: %s", r->name, why.msg);
        goto out;
    }
    *out_entry = e;
    e = NULL;
    goto out;
nomem:
    st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
out:
    model_mtext_free(&t);
    izde_entry_free(e);
    return st;
}
