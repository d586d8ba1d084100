/* News pages (*.txt): an optional header line, then dated headings each followed by
 * paragraphs. One entry per heading, produced when the next heading (or the end) is reached,
 * so only the current entry's text is held in memory.
 *
 * Decisions:
 *  - The header is the first non-blank line when its first word is "date" or "tags" (any
 *    case): "date 2021-02-01 Date 01 Feb 2021 Tags NOC News". The word after "date" is the
 *    page date, kept as the extra field "page_date" of every entry (entries are dated by their
 *    headings). Everything after the word "Tags" is the tag list given to every entry: split
 *    on commas when there is a comma ("Olympic Day, Youth"), otherwise on whitespace.
 *  - A heading is a line holding only "7 August 2018" or "August 7, 2018": day of one or two
 *    digits, English month name full or three-letter (also "Sept"), any case, 4-digit year.
 *  - Lines of a paragraph are trimmed and joined with "\n", paragraphs with "\n\n".
 *  - The n of an id counts the entries of that date produced so far in the file: a heading
 *    that is skipped (no text) or rejected takes no number. */
#define _POSIX_C_SOURCE 200809L

#include "reader_internal.h"

#include <izde/array.h>
#include <izde/number.h>
#include <izde/utf8.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest line considered as a heading; "30 September 2020" is 17 bytes. */
#define HEADING_MAX 40

typedef struct heading {
    int32_t day;        /* YYYYMMDD, or 0 when the date does not exist */
    unsigned long line; /* where the heading is, for messages */
    char date[16];      /* "YYYY-MM-DD" */
    char text[HEADING_MAX + 1];
} heading;

typedef struct day_count {
    int32_t day;
    unsigned n; /* entries produced with this date */
} day_count;

struct page_state {
    char *stem;  /* file name without ".txt": the id prefix */
    char **tags; /* from the header, given to every entry */
    size_t n_tags;
    char *extra_json; /* {"page_date":...} from the header, or NULL */
    int seen_text;    /* a non-blank line was read: a header can only come first */
    int in_stray;     /* inside a paragraph before the first heading, already warned */

    heading cur; /* the heading whose text is being collected */
    int have_cur;
    char *body;
    size_t body_len, body_cap;
    int pending_break;      /* a blank line came after the last text */
    int body_too_long;      /* text over IZDE_BODY_MAX: the entry is rejected */
    unsigned long bad_line; /* first line that cannot be text: the entry is rejected */
    const char *bad_why;    /* and why: static string */

    heading next; /* a heading read while finishing cur, handled on the next call */
    int have_next;

    day_count *counts;
    size_t n_counts, cap_counts;
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((*s)[*n - 1]))
        (*n)--;
}

/* Splits s[0..n) on whitespace into at most max words; returns how many were found, max + 1
 * when there are more. */
static size_t split_words(const char *s, size_t n, const char **w, size_t *wn, size_t max)
{
    size_t count = 0, i = 0;
    while (i < n) {
        while (i < n && is_space(s[i]))
            i++;
        if (i == n)
            break;
        if (count == max)
            return max + 1;
        w[count] = s + i;
        while (i < n && !is_space(s[i]))
            i++;
        wn[count] = (size_t)(s + i - w[count]);
        count++;
    }
    return count;
}

static int word_is(const char *w, size_t n, const char *lit)
{
    return n == strlen(lit) && strncasecmp(w, lit, n) == 0;
}

int model_reader_month(const char *w, size_t n)
{
    static const char *const months[12] = {"january",   "february", "march",    "april",
                                           "may",       "june",     "july",     "august",
                                           "september", "october",  "november", "december"};
    for (int i = 0; i < 12; i++)
        if (word_is(w, n, months[i]) || (n == 3 && strncasecmp(w, months[i], 3) == 0))
            return i + 1;
    return word_is(w, n, "sept") ? 9 : 0;
}

/* Whether the trimmed line s[0..n) is a heading; fills h (day 0 for an impossible date). */
static int parse_heading(const char *s, size_t n, unsigned long line, heading *h)
{
    const char *w[3];
    size_t wn[3];
    int d, m, y;

    if (n > HEADING_MAX || split_words(s, n, w, wn, 3) != 3)
        return 0;
    if (izde_parse_digits(w[0], wn[0], 1, 2, &d) && (m = model_reader_month(w[1], wn[1])) &&
        izde_parse_digits(w[2], wn[2], 4, 4, &y)) {
        /* "7 August 2018" */
    } else if ((m = model_reader_month(w[0], wn[0])) &&
               izde_parse_digits(w[1], wn[1] - (wn[1] > 1 && w[1][wn[1] - 1] == ','), 1, 2, &d) &&
               izde_parse_digits(w[2], wn[2], 4, 4, &y)) {
        /* "August 7, 2018" */
    } else {
        return 0;
    }
    int32_t day = 0;
    /* The moduli change nothing (4 and 2 digits were read) but show the bound to the compiler. */
    snprintf(h->date, sizeof h->date, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
    h->day = izde_date_parse(h->date, strlen(h->date), &day, NULL) == IZDE_OK ? day : 0;
    h->line = line;
    memcpy(h->text, s, n);
    h->text[n] = '\0';
    return 1;
}

/* ---- the header line ---- */

static int is_header(const char *s, size_t n)
{
    const char *w[1];
    size_t wn[1];
    return split_words(s, n, w, wn, 1) >= 1 &&
           (word_is(w[0], wn[0], "date") || word_is(w[0], wn[0], "tags"));
}

/* Adds one trimmed, non-empty header tag (below the count limit). */
static izde_status add_tag(izde_reader *r, const char *s, size_t n, izde_error *err)
{
    page_state *p = r->page;
    if (n > IZDE_FIELD_MAX) {
        model_reader_warn(r, "%s:%lu: header tag longer than %d bytes; ignored", r->name, r->line,
                          IZDE_FIELD_MAX);
        return IZDE_OK;
    }
    if (!p->tags && !(p->tags = calloc(IZDE_TAGS_MAX, sizeof *p->tags)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    char *t = malloc(n + 1);
    if (!t)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    memcpy(t, s, n);
    t[n] = '\0';
    p->tags[p->n_tags++] = t;
    return IZDE_OK;
}

/* Tags after the word "Tags": comma-separated when there is a comma, else one per word. */
static izde_status parse_tags(izde_reader *r, const char *s, size_t n, izde_error *err)
{
    char sep = memchr(s, ',', n) ? ',' : ' ';
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (sep == ',' ? s[j] != ',' : !is_space(s[j])))
            j++;
        const char *tag = s + i;
        size_t len = j - i;
        i = j + 1;
        trim(&tag, &len);
        if (len == 0)
            continue;
        if (r->page->n_tags == IZDE_TAGS_MAX) {
            model_reader_warn(r, "%s:%lu: more than %d header tags; the rest ignored", r->name,
                              r->line, IZDE_TAGS_MAX);
            break;
        }
        izde_status st = add_tag(r, tag, len, err);
        if (st != IZDE_OK)
            return st;
    }
    return IZDE_OK;
}

static izde_status page_date(izde_reader *r, const char *w, size_t n, izde_error *err)
{
    izde_error why;
    if (izde_date_parse(w, n, NULL, &why) != IZDE_OK) {
        model_reader_warn(r, "%s:%lu: header date ignored: %s", r->name, r->line, why.msg);
        return IZDE_OK;
    }
    size_t cap = n + sizeof "{\"page_date\":\"\"}";
    if (!(r->page->extra_json = malloc(cap)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    /* A date that parsed has no characters JSON would need to escape. */
    snprintf(r->page->extra_json, cap, "{\"page_date\":\"%.*s\"}", (int)n, w);
    return IZDE_OK;
}

static izde_status parse_header(izde_reader *r, const char *s, size_t n, izde_error *err)
{
    const char *end = s + n;
    const char *w[2];
    size_t wn[2];
    izde_status st;

    if (!izde_utf8_valid(s, n) || memchr(s, '\0', n)) {
        model_reader_warn(r, "%s:%lu: header line is not valid UTF-8 text; ignored", r->name,
                          r->line);
        return IZDE_OK;
    }
    size_t count = split_words(s, n, w, wn, 2);
    if (word_is(w[0], wn[0], "date")) {
        if (count >= 2 && (st = page_date(r, w[1], wn[1], err)) != IZDE_OK)
            return st;
    }
    /* Look for the word "Tags" (it may be the first); the rest of the line is the list. */
    const char *p = s;
    while (p < end) {
        size_t rest = (size_t)(end - p);
        if (split_words(p, rest, w, wn, 1) == 0)
            break;
        p = w[0] + wn[0];
        if (word_is(w[0], wn[0], "tags"))
            return parse_tags(r, p, (size_t)(end - p), err);
    }
    return IZDE_OK;
}

/* ---- entries ---- */

/* The counter of entries with this date. Pages list dates newest first, so a repeated date
 * is nearly always the last one seen: search from the end. NULL on out of memory. */
static day_count *count_slot(page_state *p, int32_t day)
{
    for (size_t i = p->n_counts; i > 0; i--)
        if (p->counts[i - 1].day == day)
            return &p->counts[i - 1];
    if (!izde_array_reserve(&p->counts, &p->cap_counts, p->n_counts + 1, sizeof *p->counts))
        return NULL;
    p->counts[p->n_counts] = (day_count){day, 0};
    return &p->counts[p->n_counts++];
}

static char *copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

static izde_status fill_entry(izde_reader *r, izde_entry *e, unsigned n)
{
    page_state *p = r->page;
    size_t id_cap = strlen(p->stem) + 32;
    int32_t d = p->cur.day;

    if (!(e->id = malloc(id_cap)) || !(e->date = strdup(p->cur.date)) ||
        !(e->body = copy(p->body, p->body_len)) || !(e->source = strdup(r->base)) ||
        (p->extra_json && !(e->extra_json = strdup(p->extra_json))))
        return IZDE_ERR_NOMEM;
    snprintf(e->id, id_cap, "%s-%08ld-%u", p->stem, (long)d, n);
    e->day = d;
    if (p->n_tags && !(e->tags = calloc(p->n_tags, sizeof *e->tags)))
        return IZDE_ERR_NOMEM;
    for (size_t i = 0; i < p->n_tags; i++) {
        if (!(e->tags[i] = strdup(p->tags[i])))
            return IZDE_ERR_NOMEM;
        e->n_tags = i + 1;
    }
    return IZDE_OK;
}

static izde_status make_entry(izde_reader *r, izde_entry **out_entry, izde_error *err)
{
    page_state *p = r->page;
    izde_status st = IZDE_OK;
    izde_entry *e = NULL;
    izde_error why;
    day_count *slot = count_slot(p, p->cur.day);

    if (!slot || !(e = izde_entry_new()) || fill_entry(r, e, slot->n + 1) != IZDE_OK) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Catches what the page cannot guarantee, e.g. a file name too long for an id. */
    if ((st = izde_entry_validate(e, &why)) != IZDE_OK) {
        st = izde_error_set(err, st, "%s:%lu: %s", r->name, p->cur.line, why.msg);
        goto out;
    }
    slot->n++;
    *out_entry = e;
    e = NULL;
out:
    izde_entry_free(e);
    return st;
}

/* Ends the current heading: produces its entry, a rejection, a warning, or nothing (an
 * impossible date was already rejected when its heading was read). */
static izde_status finish_heading(izde_reader *r, izde_entry **out_entry, izde_error *err)
{
    page_state *p = r->page;
    const heading *h = &p->cur;

    if (!p->have_cur)
        return IZDE_OK;
    p->have_cur = 0;
    if (h->day == 0)
        return IZDE_OK;
    if (p->bad_line)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "%s:%lu: %s; text under heading '%s' (line %lu) skipped", r->name,
                              p->bad_line, p->bad_why, h->text, h->line);
    if (p->body_too_long)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "%s:%lu: text under heading '%s' longer than %u bytes; skipped",
                              r->name, h->line, h->text, IZDE_BODY_MAX);
    if (p->body_len == 0) {
        model_reader_warn(r, "%s:%lu: heading '%s' has no text; skipped", r->name, h->line,
                          h->text);
        return IZDE_OK;
    }
    return make_entry(r, out_entry, err);
}

/* Makes h the current heading. An impossible date is rejected at once; its text is then
 * skipped up to the next heading. */
static izde_status start_heading(izde_reader *r, const heading *h, izde_error *err)
{
    page_state *p = r->page;
    p->cur = *h;
    p->have_cur = 1;
    p->body_len = 0;
    p->pending_break = 0;
    p->body_too_long = 0;
    p->bad_line = 0;
    p->bad_why = NULL;
    if (h->day == 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "%s:%lu: impossible date in heading '%s'; its text is skipped",
                              r->name, h->line, h->text);
    return IZDE_OK;
}

/* Adds one trimmed, non-blank line of text to the current entry. */
static izde_status add_text(izde_reader *r, const char *s, size_t n, int too_long, izde_error *err)
{
    page_state *p = r->page;

    if (!p->have_cur) {
        if (!p->in_stray)
            model_reader_warn(r, "%s:%lu: text before the first heading; skipped", r->name,
                              r->line);
        p->in_stray = 1;
        return IZDE_OK;
    }
    if (p->cur.day == 0 || p->body_too_long || p->bad_line)
        return IZDE_OK;
    if (too_long) {
        p->body_too_long = 1;
        return IZDE_OK;
    }
    /* A NUL would silently cut the body short: entries hold C strings. */
    p->bad_why = !izde_utf8_valid(s, n) ? "invalid UTF-8" : memchr(s, '\0', n) ? "NUL byte" : NULL;
    if (p->bad_why) {
        p->bad_line = r->line;
        return IZDE_OK;
    }
    const char *sep = p->body_len == 0 ? "" : p->pending_break ? "\n\n" : "\n";
    size_t sep_len = strlen(sep), need = p->body_len + sep_len + n;
    if (need > IZDE_BODY_MAX) {
        p->body_too_long = 1;
        return IZDE_OK;
    }
    if (!izde_array_reserve(&p->body, &p->body_cap, need + 1, 1))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    memcpy(p->body + p->body_len, sep, sep_len);
    memcpy(p->body + p->body_len + sep_len, s, n);
    p->body_len = need;
    p->body[need] = '\0';
    p->pending_break = 0;
    return IZDE_OK;
}

/* Handles one line; may finish the current heading and so produce an entry or a rejection. */
static izde_status page_line(izde_reader *r, size_t len, int too_long, izde_entry **out_entry,
                             izde_error *err)
{
    page_state *p = r->page;
    const char *s = r->buf;
    size_t n = len;
    heading h;

    trim(&s, &n);
    if (n == 0 && !too_long) {
        p->pending_break = p->body_len > 0;
        p->in_stray = 0;
        return IZDE_OK;
    }
    int first = !p->seen_text;
    p->seen_text = 1;
    if (first && !too_long && is_header(s, n))
        return parse_header(r, s, n, err);
    if (too_long || !parse_heading(s, n, r->line, &h))
        return add_text(r, s, n, too_long, err);
    if (!p->have_cur)
        return start_heading(r, &h, err);
    p->next = h;
    p->have_next = 1;
    return finish_heading(r, out_entry, err);
}

izde_status model_reader_page_next(izde_reader *r, izde_entry **out_entry, izde_error *err)
{
    page_state *p = r->page;
    izde_status st;

    for (;;) {
        if (p->have_next) {
            p->have_next = 0;
            if ((st = start_heading(r, &p->next, err)) != IZDE_OK)
                return st;
        }
        size_t len;
        int too_long, eof;
        if ((st = model_reader_read_line(r, READER_LINE_MAX, &len, &too_long, &eof, err)) !=
            IZDE_OK)
            return st;
        if (eof)
            return finish_heading(r, out_entry, err);
        st = page_line(r, len, too_long, out_entry, err);
        if (st != IZDE_OK || *out_entry)
            return st;
    }
}

izde_status model_reader_page_open(izde_reader *r, izde_error *err)
{
    page_state *p = calloc(1, sizeof *p);
    size_t n = strlen(r->base);

    /* izde_reader_open() chose this reader because the name ends in ".txt". */
    if (!p || !(p->stem = copy(r->base, n >= 4 ? n - 4 : n))) {
        model_reader_page_free(p);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    r->page = p;
    return IZDE_OK;
}

void model_reader_page_free(page_state *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_tags; i++)
        free(p->tags[i]);
    free(p->tags);
    free(p->stem);
    free(p->extra_json);
    free(p->body);
    free(p->counts);
    free(p);
}
