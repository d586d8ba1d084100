/* libxml2 behind the helpers the feed and HTML readers share: see markup.h. */
#define _GNU_SOURCE /* memmem */

#include "markup.h"
#include "reader_internal.h"

#include <izde/array.h>
#include <izde/number.h>
#include <izde/entry.h>
#include <izde/utf8.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* No network, no DTD loading, no entity expansion beyond what XML predefines: a feed is data
 * from elsewhere. BIG_LINES keeps line numbers right past line 65,535. */
#define XML_OPTIONS                                                                                \
    (XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |               \
     XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT)
#define HTML_OPTIONS                                                                               \
    (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |           \
     HTML_PARSE_COMPACT)

/* Longest entity name replaced before XML parsing ("thetasym" is the longest HTML 4 name). */
#define ENTITY_NAME_MAX 31

/* ---- parsing ---- */

static void ignore_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void collect_error(void *ctx, xmlErrorPtr e)
{
    markup_errors *errs = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    if (errs->n++ > 0)
        return;
    errs->line = e->line > 0 ? (unsigned long)e->line : 0;
    /* Printable ASCII only: libxml2 quotes bytes of the document, whatever their encoding. */
    size_t j = 0;
    for (const char *m = e->message ? e->message : "error"; *m && j + 1 < sizeof errs->msg; m++)
        if (*m != '\n')
            errs->msg[j++] = (*m >= 0x20 && *m < 0x7F) ? *m : '?';
    errs->msg[j] = '\0';
}

static int xml_predefined(const char *name)
{
    return !strcmp(name, "amp") || !strcmp(name, "lt") || !strcmp(name, "gt") ||
           !strcmp(name, "quot") || !strcmp(name, "apos");
}

/* Length of the entity reference "&name;" at s (0 when there is none) and its name in out. */
static size_t entity_at(const char *s, size_t n, char out[ENTITY_NAME_MAX + 1])
{
    size_t i = 1;
    if (n < 3 || s[0] != '&')
        return 0;
    while (i < n && i <= ENTITY_NAME_MAX &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            (i > 1 && s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == 1 || i >= n || s[i] != ';')
        return 0;
    memcpy(out, s + 1, i - 1);
    out[i - 1] = '\0';
    return i + 1;
}

/* Whether s starts with a character reference: "&#123;" or "&#x1F;". */
static int charref_at(const char *s, size_t n)
{
    size_t i = 2, start;
    if (n < 4 || s[1] != '#')
        return 0;
    int hex = s[2] == 'x' || s[2] == 'X';
    i += (size_t)hex;
    for (start = i; i < n && i < 12; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') ||
              (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))))
            break;
    }
    return i > start && i < n && s[i] == ';';
}

static void emit(char *out, size_t *o, const char *s, size_t n)
{
    if (out)
        memcpy(out + *o, s, n);
    *o += n;
}

/* Copies buf to out (or, when out is NULL, only counts) with the two mistakes feeds make most
 * mended, outside CDATA sections and comments: a named HTML entity that XML does not know
 * (&nbsp;, &laquo;, written without a DTD that declares them; XML would drop it and glue the
 * words together) becomes the character reference for the same character, and an '&' that
 * starts no reference at all ("?id=1&lang=ru" in a link, "Sport & Games") becomes "&amp;".
 * A name neither XML nor HTML knows is left to the parser (a DTD may declare it). Returns the
 * length of the result. */
static size_t mend_references(const char *buf, size_t len, char *out)
{
    static const struct {
        const char *open, *close;
    } opaque[] = {{"<![CDATA[", "]]>"}, {"<!--", "-->"}};
    char name[ENTITY_NAME_MAX + 1], ref[16];
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        const char *c = buf + i;
        size_t rest = len - i, n = 0;
        if (*c == '<') {
            for (size_t k = 0; k < 2 && !n; k++) {
                size_t ol = strlen(opaque[k].open);
                if (rest >= ol && !memcmp(c, opaque[k].open, ol)) {
                    const char *end =
                        memmem(c + ol, rest - ol, opaque[k].close, strlen(opaque[k].close));
                    n = end ? (size_t)(end - c) + strlen(opaque[k].close) : rest;
                }
            }
        } else if (*c == '&' && !charref_at(c, rest)) {
            size_t e = entity_at(c, rest, name);
            const htmlEntityDesc *d =
                e && !xml_predefined(name) ? htmlEntityLookup((const xmlChar *)name) : NULL;
            if (d) {
                emit(out, &o, ref, (size_t)snprintf(ref, sizeof ref, "&#%u;", d->value));
                i += e;
                continue;
            }
            if (!e) {
                emit(out, &o, "&amp;", 5);
                i++;
                continue;
            }
        }
        n = n ? n : 1;
        emit(out, &o, c, n);
        i += n;
    }
    return o;
}

/* The mended copy of an XML document (see mend_references()), or NULL when it has no '&',
 * cannot have one (UTF-16 and UTF-32 put NUL bytes among the first four) or memory ran out
 * (the original is parsed then). */
static char *mended(const char *buf, size_t len, size_t *out_len)
{
    if (!memchr(buf, '&', len) || (len >= 4 && memchr(buf, '\0', 4)) ||
        (len >= 2 && (((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE) ||
                      ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF))))
        return NULL;
    size_t n = mend_references(buf, len, NULL);
    char *out = malloc(n + 1);
    if (out) {
        mend_references(buf, len, out);
        out[n] = '\0';
        *out_len = n;
    }
    return out;
}

xmlDoc *model_markup_parse(const char *buf, size_t len, int html, const char *encoding,
                           markup_errors *out_errors)
{
    markup_errors errs = {0};
    xmlDoc *doc = NULL;

    if (len > MARKUP_FILE_MAX * 2u)
        return NULL;
    xmlInitParser(); /* once per process; later calls return at once */
    /* libxml2 reports through per-thread handlers: collect, then restore the caller's. */
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc old_structured = xmlStructuredError;
    void *old_structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, ignore_generic);
    xmlSetStructuredErrorFunc(&errs, collect_error);
    if (html) {
        int opts = HTML_OPTIONS | (encoding ? HTML_PARSE_IGNORE_ENC : 0);
        doc = htmlReadMemory(buf, (int)len, NULL, encoding, opts);
    } else {
        size_t fixed_len = 0;
        char *fixed = mended(buf, len, &fixed_len);
        doc = fixed ? xmlReadMemory(fixed, (int)fixed_len, NULL, encoding, XML_OPTIONS)
                    : xmlReadMemory(buf, (int)len, NULL, encoding, XML_OPTIONS);
        free(fixed);
    }
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
    if (doc && !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (out_errors)
        *out_errors = errs;
    return doc;
}

/* ---- text ---- */

void model_mtext_init(mtext *t, size_t max)
{
    memset(t, 0, sizeof *t);
    t->max = max;
}

void model_mtext_reset(mtext *t)
{
    t->len = 0;
    t->pending = MTEXT_NONE;
    t->too_long = 0;
    t->nomem = 0;
    if (t->s)
        t->s[0] = '\0';
}

void model_mtext_free(mtext *t)
{
    free(t->s);
    model_mtext_init(t, t->max);
}

char *model_mtext_take(mtext *t)
{
    char *s = t->len ? t->s : NULL;
    if (!s)
        free(t->s);
    t->s = NULL;
    t->len = t->cap = 0;
    t->pending = MTEXT_NONE;
    return s;
}

static void append(mtext *t, const char *s, size_t n)
{
    if (t->too_long || t->nomem)
        return;
    if (t->len + n > t->max) {
        t->too_long = 1;
        return;
    }
    if (!izde_array_reserve(&t->s, &t->cap, t->len + n + 1, 1)) {
        t->nomem = 1;
        return;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

/* Bytes of white space at s: ASCII space characters and U+00A0 (no-break space). */
static size_t space_at(const char *s, size_t n)
{
    char c = s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    return n >= 2 && (unsigned char)c == 0xC2 && (unsigned char)s[1] == 0xA0 ? 2 : 0;
}

void model_mtext_break(mtext *t, int level)
{
    if (t->len > 0 && level > t->pending)
        t->pending = level;
}

void model_mtext_add(mtext *t, const char *s, size_t n)
{
    static const char *const seps[] = {"", " ", "\n", "\n\n"};
    size_t i = 0;
    while (i < n) {
        size_t w = space_at(s + i, n - i);
        if (w) {
            model_mtext_break(t, MTEXT_SPACE);
            i += w;
            continue;
        }
        size_t j = i;
        while (j < n && !space_at(s + j, n - j))
            j++;
        if (t->len > 0 && t->pending)
            append(t, seps[t->pending], strlen(seps[t->pending]));
        t->pending = MTEXT_NONE;
        append(t, s + i, j - i);
        i = j;
    }
}

void model_mtext_add_paragraphs(mtext *t, const char *s, size_t n)
{
    int blank = 0, first = 1;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n, k = i;
        while (k < end && space_at(s + k, end - k))
            k += space_at(s + k, end - k);
        if (k == end) {
            blank = 1;
        } else {
            if (!first)
                model_mtext_break(t, blank ? MTEXT_PARA : MTEXT_LINE);
            model_mtext_add(t, s + i, end - i);
            first = blank = 0;
        }
        i = end + 1;
    }
}

/* ---- trees ---- */

static const char *local_name(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE && n->name ? (const char *)n->name : NULL;
}

int model_markup_is(const xmlNode *n, const char *name)
{
    const char *l = local_name(n);
    return l && strcasecmp(l, name) == 0;
}

int model_markup_is_ns(const xmlNode *n, const char *name, const char *ns, const char *prefix)
{
    const char *l = local_name(n);
    if (!l)
        return 0;
    if (n->ns && n->ns->href)
        return !strcmp(l, name) && !strcmp((const char *)n->ns->href, ns);
    /* An undeclared prefix: libxml2 keeps the qualified name as the local one. */
    size_t p = prefix ? strlen(prefix) : 0;
    return p && !strncmp(l, prefix, p) && l[p] == ':' && !strcmp(l + p + 1, name);
}

xmlNode *model_markup_child(const xmlNode *n, const char *name, const char *ns, const char *prefix)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (model_markup_is_ns(c, name, ns, prefix))
            return c;
    return NULL;
}

const char *model_markup_attr(const xmlNode *n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->name && strcasecmp((const char *)a->name, name) == 0) {
            const xmlNode *v = a->children;
            return v && v->type == XML_TEXT_NODE && v->content ? (const char *)v->content : "";
        }
    }
    return NULL;
}

/* The node after n in document order within root, descending into elements only (an entity
 * reference's children belong to its declaration, not to the tree). */
static const xmlNode *step(const xmlNode *root, const xmlNode *n, int skip_children)
{
    if (!skip_children && n->children &&
        (n->type == XML_ELEMENT_NODE || n->type == XML_DOCUMENT_NODE ||
         n->type == XML_HTML_DOCUMENT_NODE))
        return n->children;
    while (n != root && !n->next)
        n = n->parent;
    return n == root ? NULL : n->next;
}

xmlNode *model_markup_next(const xmlNode *root, const xmlNode *n, int skip_children)
{
    const xmlNode *c = step(root, n, skip_children);
    while (c && c->type != XML_ELEMENT_NODE)
        c = step(root, c, 0);
    return (xmlNode *)c;
}

unsigned long model_markup_line(const xmlNode *n)
{
    long line = n ? xmlGetLineNo(n) : -1;
    return line > 0 ? (unsigned long)line : 0;
}

/* The text an entity reference stands for: its declaration, else HTML's entity of that name. */
static void add_entity(mtext *t, const xmlNode *n)
{
    xmlEntity *ent = n->doc && n->name ? xmlGetDocEntity(n->doc, n->name) : NULL;
    if (ent && ent->content) {
        model_mtext_add(t, (const char *)ent->content, strlen((const char *)ent->content));
        return;
    }
    const htmlEntityDesc *d = n->name ? htmlEntityLookup(n->name) : NULL;
    if (d) {
        xmlChar utf8[8];
        int len = xmlCopyCharMultiByte(utf8, (int)d->value);
        if (len > 0)
            model_mtext_add(t, (const char *)utf8, (size_t)len);
    }
}

static void add_node_text(mtext *t, const xmlNode *n)
{
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
        model_mtext_add(t, (const char *)n->content, strlen((const char *)n->content));
    else if (n->type == XML_ENTITY_REF_NODE)
        add_entity(t, n);
}

void model_markup_plain(mtext *t, const xmlNode *node)
{
    for (const xmlNode *n = node ? step(node, node, 0) : NULL; n; n = step(node, n, 0))
        add_node_text(t, n);
}

static int name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcasecmp(name, *list) == 0)
            return 1;
    return 0;
}

/* Elements that are not the story: code, forms, navigation and page furniture, media. */
static const char *const skipped_names[] = {
    "script",   "style", "noscript", "template", "nav",   "header", "footer",
    "aside",    "form",  "iframe",   "svg",      "math",  "button", "select",
    "textarea", "input", "figure",   "object",   "embed", "canvas", "audio",
    "video",    "head",  "title",    "dialog",   "meta",  "link",   NULL};
static const char *const skipped_roles[] = {"navigation",    "banner", "contentinfo",
                                            "complementary", "search", NULL};
/* Elements that end a paragraph before and after them. */
static const char *const block_names[] = {
    "p",       "div",        "section", "article",    "main",    "h1",    "h2",
    "h3",      "h4",         "h5",      "h6",         "ul",      "ol",    "li",
    "dl",      "dt",         "dd",      "blockquote", "pre",     "table", "thead",
    "tbody",   "tfoot",      "tr",      "caption",    "address", "hr",    "details",
    "summary", "figcaption", "center",  "body",       "html",    NULL};

static int skipped(const xmlNode *n, int flags)
{
    const char *name = local_name(n);
    if (name_in(name, skipped_names) || ((flags & MARKUP_SKIP_H1) && !strcasecmp(name, "h1")))
        return 1;
    const char *role = model_markup_attr(n, "role"), *aria = model_markup_attr(n, "aria-hidden");
    return model_markup_attr(n, "hidden") || (aria && !strcasecmp(aria, "true")) ||
           (role && name_in(role, skipped_roles));
}

static void leave(mtext *t, const xmlNode *n)
{
    const char *name = local_name(n);
    if (name_in(name, block_names))
        model_mtext_break(t, MTEXT_PARA);
    else if (!strcasecmp(name, "td") || !strcasecmp(name, "th"))
        model_mtext_break(t, MTEXT_SPACE);
}

void model_markup_text(mtext *t, const xmlNode *root, int flags)
{
    const xmlNode *n = root ? root->children : NULL;
    while (n) {
        int descend = 0;
        if (n->type == XML_ELEMENT_NODE) {
            if (!skipped(n, flags)) {
                if (model_markup_is(n, "br"))
                    model_mtext_break(t, MTEXT_LINE);
                else
                    leave(t, n); /* a block starts a paragraph as it ends one */
                descend = n->children != NULL;
            }
        } else {
            add_node_text(t, n);
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n != root && !n->next) {
            n = n->parent;
            if (n != root)
                leave(t, n);
        }
        n = n == root ? NULL : n->next;
    }
}

void model_markup_html_text(mtext *t, const char *html, size_t len)
{
    if (len == 0)
        return;
    if (!memchr(html, '<', len) && !memchr(html, '&', len)) {
        model_mtext_add(t, html, len);
        return;
    }
    /* NULL: nothing readable (a lone comment) or no memory; either way no text. */
    xmlDoc *doc = model_markup_parse(html, len, 1, "UTF-8", NULL);
    if (doc)
        model_markup_text(t, xmlDocGetRootElement(doc), 0);
    xmlFreeDoc(doc);
}

/* ---- values ---- */

static int alpha_word(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z')))
            return 0;
    return n > 0;
}

/* "+0600", "-05:00", a name RFC 822 gives (and MSK): as "+06:00" or "Z"; "" when unknown. */
static const char *zone_of(const char *w, size_t n, char buf[8])
{
    static const struct {
        const char *name, *offset;
    } names[] = {{"GMT", "Z"},      {"UT", "Z"},       {"UTC", "Z"},      {"Z", "Z"},
                 {"EST", "-05:00"}, {"EDT", "-04:00"}, {"CST", "-06:00"}, {"CDT", "-05:00"},
                 {"MST", "-07:00"}, {"MDT", "-06:00"}, {"PST", "-08:00"}, {"PDT", "-07:00"},
                 {"MSK", "+03:00"}};
    int hh, mm;
    if (n >= 5 && (w[0] == '+' || w[0] == '-') && izde_parse_digits(w + 1, 2, 2, 2, &hh)) {
        size_t at = w[3] == ':' ? 4 : 3;
        if (n == at + 2 && izde_parse_digits(w + at, 2, 2, 2, &mm) && hh <= 23 && mm <= 59) {
            snprintf(buf, 8, "%c%02u:%02u", w[0], (unsigned)hh % 24u, (unsigned)mm % 60u);
            return buf;
        }
        return "";
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && !strncasecmp(w, names[i].name, n))
            return names[i].offset;
    return "";
}

int model_markup_rfc822_date(const char *s, char *out, size_t cap)
{
    const char *w[8];
    size_t wn[8], count = 0;
    int d = 0, m = 0, y = 0, hh = -1, mi = 0, ss = 0;
    char zbuf[8];
    const char *zone = "";

    if (cap)
        out[0] = '\0';
    for (size_t i = 0; s[i] && count < 8;) {
        while (s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == '\n' || s[i] == '\r')
            i++;
        if (!s[i])
            break;
        w[count] = s + i;
        while (s[i] && s[i] != ' ' && s[i] != '\t' && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
            i++;
        wn[count] = (size_t)(s + i - w[count]);
        count++;
    }
    size_t k = 0;
    if (k < count && alpha_word(w[k], wn[k]) && !model_reader_month(w[k], wn[k]))
        k++; /* the day of the week */
    if (k + 2 < count && izde_parse_digits(w[k], wn[k], 1, 2, &d) &&
        (m = model_reader_month(w[k + 1], wn[k + 1]))) {
        k += 2; /* "5 Mar 2024" */
    } else if (k + 2 < count && (m = model_reader_month(w[k], wn[k])) &&
               izde_parse_digits(w[k + 1], wn[k + 1], 1, 2, &d)) {
        k += 2; /* "Mar 5 2024", as some feeds write it */
    } else {
        return 0;
    }
    if (!izde_parse_digits(w[k], wn[k], 2, 4, &y))
        return 0;
    if (wn[k] == 2)
        y += y < 50 ? 2000 : 1900; /* RFC 2822's reading of two-digit years */
    else if (wn[k] == 3)
        y += 1900;
    k++;
    if (k < count) {
        const char *t = w[k];
        size_t tn = wn[k];
        const char *colon = memchr(t, ':', tn);
        size_t c1 = colon ? (size_t)(colon - t) : 0;
        if (!c1 || !izde_parse_digits(t, c1, 1, 2, &hh))
            return 0;
        const char *rest = t + c1 + 1;
        size_t rn = tn - c1 - 1;
        if (rn == 2) {
            if (!izde_parse_digits(rest, 2, 2, 2, &mi))
                return 0;
        } else if (rn == 5 && rest[2] == ':') {
            if (!izde_parse_digits(rest, 2, 2, 2, &mi) ||
                !izde_parse_digits(rest + 3, 2, 2, 2, &ss))
                return 0;
        } else {
            return 0;
        }
        if (hh > 23 || mi > 59 || ss > 60)
            return 0;
        k++;
        if (k < count)
            zone = zone_of(w[k], wn[k], zbuf);
    }
    if (hh < 0)
        snprintf(out, cap, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    else
        snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d%s", y % 10000, m % 100, d % 100, hh % 100,
                 mi % 100, ss % 100, zone);
    if (izde_date_parse(out, strlen(out), NULL, NULL) != IZDE_OK) {
        out[0] = '\0';
        return 0;
    }
    return 1;
}

const char *model_markup_lang(const char *tag)
{
    char code[4];
    size_t n = 0;
    if (!tag)
        return "";
    while (*tag == ' ' || *tag == '\t' || *tag == '\n' || *tag == '\r')
        tag++;
    for (; tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != ' ' && tag[n] != ';' &&
           tag[n] != ',';
         n++) {
        char c = tag[n];
        if (n == 3 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return "";
        code[n] = (char)(c | 0x20);
    }
    code[n] = '\0';
    if (!strcmp(code, "en") || !strcmp(code, "eng"))
        return "en";
    if (!strcmp(code, "ru") || !strcmp(code, "rus"))
        return "ru";
    if (!strcmp(code, "kk") || !strcmp(code, "kaz") || !strcmp(code, "kz"))
        return "kk";
    return "";
}

int model_markup_host(const char *url, char *out, size_t cap)
{
    const char *p = url ? strstr(url, "//") : NULL;
    if (cap)
        out[0] = '\0';
    if (!p || cap < 2)
        return 0;
    for (const char *s = url; s < p; s++) /* a scheme and ':', or nothing ("//host/") */
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == ':' || *s == '+' ||
              *s == '.' || *s == '-'))
            return 0;
    p += 2;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    const char *colon = memchr(p, ':', n);
    if (colon)
        n = (size_t)(colon - p);
    if (n >= 4 && !strncasecmp(p, "www.", 4)) {
        p += 4;
        n -= 4;
    }
    if (n == 0 || n >= cap)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c <= ' ' || c == '\\')
            return out[0] = '\0', 0;
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
    }
    out[n] = '\0';
    return 1;
}

void model_markup_quote(const char *s, char out[48])
{
    size_t j = 0, n = strlen(s);
    while (*s && j < 40) {
        size_t len = 1;
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) {
            len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (len > n || !izde_utf8_valid(s, len))
                len = 1;
        }
        if (j + len > 40)
            break;
        if (len == 1 && (c < 0x20 || c >= 0x7F))
            out[j++] = '?';
        else
            memcpy(out + j, s, len), j += len;
        s += len;
        n -= len;
    }
    out[j] = '\0';
}

char *model_markup_trimmed(const char *s, size_t n, int *nomem)
{
    while (n > 0 && space_at(s, n)) {
        size_t w = space_at(s, n);
        s += w;
        n -= w;
    }
    while (n > 0 &&
           (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r' ||
            s[n - 1] == '\f' || s[n - 1] == '\v' ||
            (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)))
        n -= (unsigned char)s[n - 1] == 0xA0 ? 2 : 1;
    if (n == 0)
        return NULL;
    char *c = malloc(n + 1);
    if (!c) {
        *nomem = 1;
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

char *model_markup_id(const char *candidate, int *nomem)
{
    char *id = candidate ? model_markup_trimmed(candidate, strlen(candidate), nomem) : NULL;
    if (!id || strlen(id) <= IZDE_ID_MAX)
        return id;
    /* The entry fingerprint of an entry holding only the candidate: a stable 64-bit hash. */
    izde_entry tmp = {.body = id};
    unsigned long long h = (unsigned long long)izde_entry_content_hash(&tmp);
    size_t head = 200;
    while (head > 0 && ((unsigned char)id[head] & 0xC0) == 0x80)
        head--; /* never cut inside a UTF-8 sequence */
    snprintf(id + head, 18, "#%016llx", h);
    return id;
}
