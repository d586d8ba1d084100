/* bench/gen.c — the benchmark's deterministic multilingual corpus and its query set.
 *
 * Words come from Debian's word lists: English from /usr/share/dict/american-english
 * (wamerican, already inflected), Russian and Kazakh from the hunspell dictionaries, whose
 * stems are inflected with the dictionaries' own SFX rules (flag, strip, add, condition), so
 * one lemma appears in many forms and stemming matters. Each language draws lemmas with a
 * Zipf-like (Zipf-Mandelbrot) law, so there are very frequent and very rare terms.
 *
 * Output in --out DIR:
 *   corpus.jsonl   izde's input (one entry a line)
 *   corpus.tsv     docid, title, body, lang, day (YYYYMMDD), tags: Sphinx tsvpipe and SQLite
 *   update.jsonl   the nightly batch: 500 changed existing entries and 500 new ones
 *   queries.tsv    kind, lang, izde query, Sphinx query, FTS5 query, floor op, floor terms
 *   suggest.txt    prefixes of query words for /suggest
 *   corpus.info    entries, bytes
 * Everything is a function of --entries and --seed: the same arguments give the same bytes.
 *
 * --long: --entries articles of 10-100 KB in paragraphs (make_long_doc), ids l0000000...,
 * no update.jsonl; queries.tsv also holds three-word phrases ("phrase3") and NEAR pairs
 * ("near") copied from the text at random. --near-queries adds those two kinds to the short
 * entries' queries, the corpus and the other queries staying the same bytes.
 *
 * Usage: gen --out DIR [--entries N] [--long] [--near-queries] [--per-class K] [--seed S]
 *            [--dict F] [--ru-dic F] [--ru-aff F] [--kk-dic F] [--kk-aff F]
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORMS 48
#define MAX_WORD 64 /* code points */

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "gen: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("%s", "out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("%s", "out of memory");
    return p;
}

/* ---- random numbers: splitmix64, deterministic on every platform ------------------------ */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

static uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(rng_unit(r) * n);
}

static rng rng_for(uint64_t seed, uint64_t stream, uint64_t i)
{
    rng r = {seed * 0x100000001b3ULL ^ (stream << 40) ^ i};
    rng_next(&r);
    return r;
}

/* ---- UTF-8 <-> code points ---------------------------------------------------------------- */

static size_t utf8_decode(const char *s, size_t len, uint32_t *out, size_t cap)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    while (p < e && n < cap) {
        uint32_t c = *p++;
        if (c >= 0xf0 && p + 2 < e) {
            c = ((c & 7) << 18) | ((p[0] & 63u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
            p += 3;
        } else if (c >= 0xe0 && p + 1 < e) {
            c = ((c & 15) << 12) | ((p[0] & 63u) << 6) | (p[1] & 63u);
            p += 2;
        } else if (c >= 0xc0 && p < e) {
            c = ((c & 31) << 6) | (p[0] & 63u);
            p += 1;
        }
        out[n++] = c;
    }
    return n;
}

static size_t utf8_put(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 63));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 63));
        out[2] = (char)(0x80 | (c & 63));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 63));
    out[2] = (char)(0x80 | ((c >> 6) & 63));
    out[3] = (char)(0x80 | (c & 63));
    return 4;
}

static int is_cyr_lower(uint32_t c)
{
    return (c >= 0x430 && c <= 0x44f) || c == 0x451 || c == 0x456 || c == 0x4d9 || c == 0x493 ||
           c == 0x49b || c == 0x4a3 || c == 0x4e9 || c == 0x4b1 || c == 0x4af || c == 0x4bb;
}

static uint32_t upper(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c >= 0x430 && c <= 0x44f)
        return c - 32;
    if (c == 0x456)
        return 0x406;
    if (c >= 0x490 && c <= 0x4ff) /* ғ қ ң ү ұ һ ә ө: upper case is one below */
        return c - 1;
    return c;
}

/* ---- the lexicon: per language, lemmas in Zipf rank order, each with its forms ----------- */

typedef struct lexicon {
    const char *lang;
    char *pool; /* NUL-separated forms */
    size_t pool_len, pool_cap;
    uint32_t *form_off; /* offset in pool of each form */
    uint32_t n_forms;
    uint32_t *lemma_first; /* first form of each lemma; lemma_first[n_lemmas] = n_forms */
    uint32_t n_lemmas;
    double *cdf;        /* Zipf CDF over lemmas */
    uint32_t form_base; /* global id of this lexicon's first form */
} lexicon;

static void lex_add_form(lexicon *lx, const uint32_t *w, size_t n)
{
    char buf[MAX_WORD * 4 + 1];
    size_t b = 0;
    for (size_t i = 0; i < n; i++)
        b += utf8_put(w[i] == 0x451 ? 0x435 : w[i], buf + b); /* ё -> е, as every engine folds */
    buf[b++] = '\0';
    /* The same form twice for one lemma is kept once. */
    for (uint32_t f = lx->lemma_first[lx->n_lemmas]; f < lx->n_forms; f++)
        if (!strcmp(lx->pool + lx->form_off[f], buf))
            return;
    if (lx->pool_len + b > lx->pool_cap) {
        lx->pool_cap = (lx->pool_cap + b) * 2;
        lx->pool = xrealloc(lx->pool, lx->pool_cap);
    }
    memcpy(lx->pool + lx->pool_len, buf, b);
    lx->form_off = xrealloc(lx->form_off, (lx->n_forms + 1) * sizeof *lx->form_off);
    lx->form_off[lx->n_forms++] = (uint32_t)lx->pool_len;
    lx->pool_len += b;
}

static void lex_begin(lexicon *lx, uint32_t max_lemmas, const char *lang)
{
    memset(lx, 0, sizeof *lx);
    lx->lang = lang;
    lx->lemma_first = xmalloc((max_lemmas + 1) * sizeof *lx->lemma_first);
    lx->lemma_first[0] = 0;
}

static void lex_end_lemma(lexicon *lx)
{
    if (lx->n_forms > lx->lemma_first[lx->n_lemmas])
        lx->lemma_first[++lx->n_lemmas] = lx->n_forms;
}

/* Zipf-Mandelbrot weights 1 / (rank + 2.7): a few very frequent lemmas, a long rare tail. */
static void lex_zipf(lexicon *lx)
{
    lx->cdf = xmalloc(lx->n_lemmas * sizeof *lx->cdf);
    double sum = 0;
    for (uint32_t i = 0; i < lx->n_lemmas; i++) {
        sum += 1.0 / (i + 2.7);
        lx->cdf[i] = sum;
    }
    for (uint32_t i = 0; i < lx->n_lemmas; i++)
        lx->cdf[i] /= sum;
}

static uint32_t lex_draw_lemma(const lexicon *lx, rng *r)
{
    double u = rng_unit(r);
    uint32_t lo = 0, hi = lx->n_lemmas - 1;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (lx->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A form of a lemma: the dictionary form a third of the time, else any of its forms. */
static uint32_t lex_draw_form(const lexicon *lx, uint32_t lemma, rng *r)
{
    uint32_t first = lx->lemma_first[lemma], n = lx->lemma_first[lemma + 1] - first;
    if (n == 1 || rng_unit(r) < 0.35)
        return first;
    return first + rng_below(r, n);
}

static const char *lex_form(const lexicon *lx, uint32_t f)
{
    return lx->pool + lx->form_off[f];
}

/* ---- reading files ------------------------------------------------------------------------ */

typedef struct lines {
    char *data;
    char **line;
    size_t n;
} lines;

static void read_lines(const char *path, lines *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s (install the package: see bench/README.md)", path);
    size_t cap = 1 << 20, len = 0;
    char *d = xmalloc(cap);
    size_t got;
    while ((got = fread(d + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 >= cap)
            d = xrealloc(d, cap *= 2);
    }
    fclose(f);
    d[len] = '\0';
    out->data = d;
    out->n = 0;
    out->line = NULL;
    size_t lcap = 0;
    char *p = d;
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) /* BOM */
        p += 3;
    while (*p) {
        char *e = strchr(p, '\n');
        if (e)
            *e = '\0';
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r')
            p[l - 1] = '\0';
        if (out->n == lcap)
            out->line = xrealloc(out->line, (lcap = lcap * 2 + 1024) * sizeof *out->line);
        out->line[out->n++] = p;
        if (!e)
            break;
        p = e + 1;
    }
}

/* ---- hunspell affixes --------------------------------------------------------------------- */

/* One condition element: a set of code points (negated or not), or any. */
typedef struct cond_el {
    int any, neg;
    uint32_t set[48];
    int n;
} cond_el;

typedef struct sfx_rule {
    uint32_t flag;
    uint32_t strip[16], add[24];
    int n_strip, n_add;
    cond_el cond[12];
    int n_cond;
} sfx_rule;

typedef struct affixes {
    sfx_rule *rule;
    size_t n;
} affixes;

static int parse_cond(const char *s, sfx_rule *r)
{
    uint32_t cp[128];
    size_t n = utf8_decode(s, strlen(s), cp, 128);
    r->n_cond = 0;
    for (size_t i = 0; i < n;) {
        if (r->n_cond == 12)
            return 0;
        cond_el *el = &r->cond[r->n_cond++];
        memset(el, 0, sizeof *el);
        if (cp[i] == '.') {
            el->any = 1;
            i++;
        } else if (cp[i] == '[') {
            i++;
            if (i < n && cp[i] == '^') {
                el->neg = 1;
                i++;
            }
            while (i < n && cp[i] != ']') {
                if (el->n < 48)
                    el->set[el->n++] = cp[i];
                i++;
            }
            i++;
        } else {
            el->set[el->n++] = cp[i++];
        }
    }
    return 1;
}

static void parse_aff(const char *path, affixes *a)
{
    lines ls;
    read_lines(path, &ls);
    a->rule = NULL;
    a->n = 0;
    size_t cap = 0;
    for (size_t i = 0; i < ls.n; i++) {
        char *tok[8];
        int nt = 0;
        char *save = NULL;
        for (char *t = strtok_r(ls.line[i], " \t", &save); t && nt < 8;
             t = strtok_r(NULL, " \t", &save))
            tok[nt++] = t;
        if (nt < 5 || strcmp(tok[0], "SFX") != 0)
            continue; /* headers "SFX A Y 45" have 4 fields */
        sfx_rule r;
        memset(&r, 0, sizeof r);
        uint32_t fl[4];
        if (utf8_decode(tok[1], strlen(tok[1]), fl, 4) != 1)
            continue;
        r.flag = fl[0];
        char *slash = strchr(tok[3], '/'); /* continuation flags: not followed */
        if (slash)
            *slash = '\0';
        if (strcmp(tok[2], "0"))
            r.n_strip = (int)utf8_decode(tok[2], strlen(tok[2]), r.strip, 16);
        if (strcmp(tok[3], "0"))
            r.n_add = (int)utf8_decode(tok[3], strlen(tok[3]), r.add, 24);
        if (!parse_cond(tok[4], &r))
            continue;
        if (a->n == cap)
            a->rule = xrealloc(a->rule, (cap = cap * 2 + 256) * sizeof *a->rule);
        a->rule[a->n++] = r;
    }
    free(ls.line);
    free(ls.data);
}

static int cond_matches(const sfx_rule *r, const uint32_t *w, size_t n)
{
    if ((size_t)r->n_cond > n || (size_t)r->n_strip > n)
        return 0;
    for (int k = 0; k < r->n_strip; k++)
        if (w[n - r->n_strip + k] != r->strip[k])
            return 0;
    for (int k = 0; k < r->n_cond; k++) {
        const cond_el *el = &r->cond[k];
        uint32_t c = w[n - r->n_cond + k];
        if (el->any)
            continue;
        int in = 0;
        for (int j = 0; j < el->n && !in; j++)
            in = el->set[j] == c;
        if (in == el->neg)
            return 0;
    }
    return 1;
}

/* Adds the lemmas of a hunspell .dic in the order given by perm, each stem with the forms its
 * flags produce, up to max lemmas. Only lower-case Cyrillic stems are taken (no names). */
static void load_hunspell(lexicon *lx, const char *dic, const char *aff, uint32_t max, rng *r,
                          const char *lang)
{
    affixes a;
    parse_aff(aff, &a);
    lines ls;
    read_lines(dic, &ls);
    /* Keep candidate lines, then shuffle them deterministically. */
    size_t nc = 0;
    for (size_t i = 1; i < ls.n; i++) {
        uint32_t c[2];
        if (utf8_decode(ls.line[i], strlen(ls.line[i]), c, 1) == 1 && is_cyr_lower(c[0]))
            ls.line[nc++] = ls.line[i];
    }
    for (size_t i = nc; i > 1; i--) {
        size_t j = rng_below(r, (uint32_t)i);
        char *t = ls.line[i - 1];
        ls.line[i - 1] = ls.line[j];
        ls.line[j] = t;
    }
    lex_begin(lx, max, lang);
    for (size_t i = 0; i < nc && lx->n_lemmas < max; i++) {
        char *w = ls.line[i], *flags = "";
        char *sp = strpbrk(w, " \t");
        if (sp)
            *sp = '\0';
        char *slash = strchr(w, '/');
        if (slash) {
            *slash = '\0';
            flags = slash + 1;
        }
        uint32_t stem[MAX_WORD], fl[64];
        size_t n = utf8_decode(w, strlen(w), stem, MAX_WORD);
        if (n < 2 || n >= MAX_WORD - 8)
            continue;
        int ok = 1;
        for (size_t k = 0; k < n && ok; k++)
            ok = is_cyr_lower(stem[k]);
        if (!ok)
            continue;
        size_t nf = utf8_decode(flags, strlen(flags), fl, 64);
        lex_add_form(lx, stem, n);
        for (size_t k = 0; k < nf; k++) {
            for (size_t j = 0; j < a.n; j++) {
                const sfx_rule *ru = &a.rule[j];
                if (ru->flag != fl[k] || !cond_matches(ru, stem, n))
                    continue;
                if (lx->n_forms - lx->lemma_first[lx->n_lemmas] >= MAX_FORMS)
                    break;
                uint32_t form[MAX_WORD + 24];
                size_t m = n - (size_t)ru->n_strip;
                memcpy(form, stem, m * sizeof *form);
                memcpy(form + m, ru->add, (size_t)ru->n_add * sizeof *form);
                m += (size_t)ru->n_add;
                if (m >= 2 && m < MAX_WORD)
                    lex_add_form(lx, form, m);
            }
        }
        lex_end_lemma(lx);
    }
    free(a.rule);
    free(ls.line);
    free(ls.data);
    if (lx->n_lemmas < 100)
        die("too few words in %s", dic);
}

static void load_english(lexicon *lx, const char *path, uint32_t max, rng *r)
{
    lines ls;
    read_lines(path, &ls);
    size_t nc = 0;
    for (size_t i = 0; i < ls.n; i++) {
        const char *w = ls.line[i];
        size_t n = strlen(w);
        int ok = n >= 2 && n < MAX_WORD;
        for (size_t k = 0; k < n && ok; k++)
            ok = w[k] >= 'a' && w[k] <= 'z';
        if (ok)
            ls.line[nc++] = ls.line[i];
    }
    for (size_t i = nc; i > 1; i--) {
        size_t j = rng_below(r, (uint32_t)i);
        char *t = ls.line[i - 1];
        ls.line[i - 1] = ls.line[j];
        ls.line[j] = t;
    }
    lex_begin(lx, max, "en");
    for (size_t i = 0; i < nc && lx->n_lemmas < max; i++) {
        uint32_t w[MAX_WORD];
        size_t n = utf8_decode(ls.line[i], strlen(ls.line[i]), w, MAX_WORD);
        lex_add_form(lx, w, n);
        lex_end_lemma(lx);
    }
    free(ls.line);
    free(ls.data);
    if (lx->n_lemmas < 100)
        die("too few words in %s", path);
}

/* ---- documents ---------------------------------------------------------------------------- */

static const char *const TAGS[] = {"politics", "economy", "sport",      "culture",   "science",
                                   "health",   "world",   "technology", "education", "region"};
#define N_TAGS (sizeof TAGS / sizeof TAGS[0])

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void buf_need(buf *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
}

static void buf_add(buf *b, const char *s, size_t n)
{
    buf_need(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* Appends a word, with its first letter upper-cased when cap is set. */
static void buf_word(buf *b, const char *w, int cap)
{
    if (!cap) {
        buf_str(b, w);
        return;
    }
    uint32_t c[1];
    const unsigned char *u = (const unsigned char *)w;
    size_t l = *u < 0x80 ? 1 : *u < 0xe0 ? 2 : *u < 0xf0 ? 3 : 4;
    utf8_decode(w, l, c, 1);
    char o[4];
    buf_add(b, o, utf8_put(upper(c[0]), o));
    buf_str(b, w + l);
}

/* Form-id tuples of a fixed width, sampled from the text (phrase and NEAR queries). */
typedef struct tuples {
    uint32_t *v;
    size_t n, cap; /* in uint32_t */
} tuples;

static void tuples_add(tuples *t, uint32_t a, uint32_t b, uint32_t c)
{
    if (t->n + 3 > t->cap)
        t->v = xrealloc(t->v, (t->cap = t->cap * 2 + 768) * sizeof *t->v);
    t->v[t->n++] = a;
    t->v[t->n++] = b;
    t->v[t->n++] = c;
}

typedef struct stats {
    uint32_t *df, *last_doc; /* per global form id */
    /* Bigrams seen inside sentences, per language (for phrase queries). */
    uint32_t *bigram[3];
    size_t n_bigram[3], cap_bigram[3];
    /* Long articles only: three-word phrases, and NEAR pairs (first, second, distance). */
    tuples trigram[3], near[3];
    int long_mode;    /* long articles: sample_long also samples the bigrams */
    int near_queries; /* short entries: sample phrases of three and NEAR pairs too */
} stats;

typedef struct doc {
    char id[32], date[32];
    int32_t day;
    int li; /* 0 en, 1 ru, 2 kk */
    buf title, body;
    int tags[3], n_tags;
} doc;

static const char *const LANGS[] = {"en", "ru", "kk"};

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* Days from 1970-01-01 to 2000-01-01 and to 2025-01-01. */
#define DAY_2000 10957
#define DAY_2025 20089

/* Language (50% en, 30% ru, 20% kk), id, date and tags of a document; empties its text. */
static void doc_meta(doc *d, rng *r, const char *id_prefix, uint64_t n)
{
    double u = rng_unit(r);
    d->li = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    snprintf(d->id, sizeof d->id, "%s%07llu", id_prefix, (unsigned long long)n);
    int y, m, dd;
    civil_from_days(DAY_2000 + (long)rng_below(r, DAY_2025 - DAY_2000), &y, &m, &dd);
    snprintf(d->date, sizeof d->date, "%04d-%02d-%02d", y, m, dd);
    d->day = y * 10000 + m * 100 + dd;
    d->n_tags = 1 + (int)rng_below(r, 3);
    for (int t = 0; t < d->n_tags; t++) {
        int again;
        do {
            d->tags[t] = (int)rng_below(r, N_TAGS);
            again = 0;
            for (int k = 0; k < t; k++)
                again |= d->tags[k] == d->tags[t];
        } while (again);
    }
    d->title.len = d->body.len = 0;
    buf_need(&d->title, 0);
    buf_need(&d->body, 0);
}

static void count_form(stats *st, const lexicon *lx, uint32_t f, uint32_t docno)
{
    uint32_t g = lx->form_base + f;
    if (st->last_doc[g] != docno) {
        st->last_doc[g] = docno;
        st->df[g]++;
    }
}

/* The words of the current clause (since the last comma or full stop, at most CLAUSE_MAX)
 * make the phrase and NEAR samples: what a reader could have copied from the text. */

/* Samples, about one word in 512, the phrases and NEAR pairs that end at this word. */
static void sample_long(stats *st, int li, const uint32_t *clause, uint32_t n, rng *r)
{
    if (st->long_mode && n >= 2 && (rng_next(r) & 511) == 0) {
        if (st->n_bigram[li] + 2 > st->cap_bigram[li])
            st->bigram[li] =
                xrealloc(st->bigram[li],
                         (st->cap_bigram[li] = st->cap_bigram[li] * 2 + 256) * sizeof(uint32_t));
        st->bigram[li][st->n_bigram[li]++] = clause[n - 2];
        st->bigram[li][st->n_bigram[li]++] = clause[n - 1];
    }
    if (n >= 3 && (rng_next(r) & 511) == 0)
        tuples_add(&st->trigram[li], clause[n - 3], clause[n - 2], clause[n - 1]);
    /* NEAR: two words 3 to 6 apart (2 to 5 words between them). */
    uint32_t gap = 3 + rng_below(r, 4);
    if (n > gap && (rng_next(r) & 511) == 0 && clause[n - 1 - gap] != clause[n - 1])
        tuples_add(&st->near[li], clause[n - 1 - gap], clause[n - 1], gap);
}

#define CLAUSE_MAX 32

/* Appends a word to the clause, dropping its first word when full. */
static void clause_push(uint32_t *clause, uint32_t *n, uint32_t f)
{
    if (*n == CLAUSE_MAX) {
        memmove(clause, clause + 1, (CLAUSE_MAX - 1) * sizeof *clause);
        (*n)--;
    }
    clause[(*n)++] = f;
}

/* A title of n words drawn from the lexicon. */
static void make_title(doc *d, const lexicon *lx, rng *r, uint32_t n, stats *st, uint32_t docno)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t f = lex_draw_form(lx, lex_draw_lemma(lx, r), r);
        if (i)
            buf_str(&d->title, " ");
        buf_word(&d->title, lex_form(lx, f), i == 0);
        if (st)
            count_form(st, lx, f, docno);
    }
}

static void make_doc(doc *d, uint64_t seed, uint64_t stream, uint64_t n, const char *id_prefix,
                     lexicon *lex, stats *st, uint32_t docno)
{
    rng r = rng_for(seed, stream, n);
    doc_meta(d, &r, id_prefix, n);
    const lexicon *lx = &lex[d->li];
    make_title(d, lx, &r, 4 + rng_below(&r, 7), st, docno);
    uint32_t nb = 80 + rng_below(&r, 321), in_sentence = 0, sentence_len = 0, prev = UINT32_MAX;
    /* --near-queries samples with a generator of its own: the text stays the same bytes. */
    rng rs = rng_for(seed, 6, n);
    uint32_t clause[CLAUSE_MAX], nc = 0;
    for (uint32_t i = 0; i < nb; i++) {
        if (in_sentence == 0)
            sentence_len = 6 + rng_below(&r, 13);
        uint32_t f = lex_draw_form(lx, lex_draw_lemma(lx, &r), &r);
        if (i)
            buf_str(&d->body, " ");
        buf_word(&d->body, lex_form(lx, f), in_sentence == 0);
        in_sentence++;
        if (st) {
            count_form(st, lx, f, docno);
            /* Keep a sample of in-sentence bigrams for phrase queries. */
            if (prev != UINT32_MAX && in_sentence > 1 && (rng_next(&r) & 1023) == 0) {
                int li = d->li;
                if (st->n_bigram[li] + 2 > st->cap_bigram[li])
                    st->bigram[li] = xrealloc(st->bigram[li],
                                              (st->cap_bigram[li] = st->cap_bigram[li] * 2 + 256) *
                                                  sizeof(uint32_t));
                st->bigram[li][st->n_bigram[li]++] = prev;
                st->bigram[li][st->n_bigram[li]++] = f;
            }
        }
        prev = f;
        if (st && st->near_queries) {
            clause_push(clause, &nc, f);
            sample_long(st, d->li, clause, nc, &rs);
        }
        int last = i + 1 == nb;
        if (in_sentence == sentence_len || last) {
            buf_str(&d->body, ".");
            in_sentence = 0;
            prev = UINT32_MAX;
            nc = 0;
        } else if ((rng_next(&r) & 15) == 0) {
            buf_str(&d->body, ",");
            prev = UINT32_MAX;
            nc = 0;
        }
    }
}

/* Long mode: an article of 10 to 100 KB of text (log-uniform: median 32 KB, mean 39 KB, as
 * news archives hold many short features and few long reports), in paragraphs of 2 to 7
 * sentences separated by blank lines. An article keeps returning to its subject: a fifth of
 * its words are forms of 12 lemmas drawn for it, so its words repeat as a real article's do
 * (high within-document frequencies, phrases that recur). */
static void make_long_doc(doc *d, uint64_t seed, uint64_t n, lexicon *lex, stats *st,
                          uint32_t docno)
{
    rng r = rng_for(seed, 5, n);
    doc_meta(d, &r, "l", n);
    const lexicon *lx = &lex[d->li];
    make_title(d, lx, &r, 6 + rng_below(&r, 9), st, docno);
    size_t target = (size_t)(10240.0 * exp(rng_unit(&r) * log(10.0)));
    uint32_t topic[12];
    for (int k = 0; k < 12; k++) {
        do /* a subject, not a function word: below the 50 most frequent lemmas */
            topic[k] = lex_draw_lemma(lx, &r);
        while (topic[k] < 50);
    }
    uint32_t clause[CLAUSE_MAX], nc = 0;
    while (d->body.len < target) {
        uint32_t sentences = 2 + rng_below(&r, 6);
        for (uint32_t s = 0; s < sentences; s++) {
            uint32_t len = 6 + rng_below(&r, 19);
            nc = 0;
            for (uint32_t i = 0; i < len; i++) {
                uint32_t lemma =
                    rng_unit(&r) < 0.2 ? topic[rng_below(&r, 12)] : lex_draw_lemma(lx, &r);
                uint32_t f = lex_draw_form(lx, lemma, &r);
                if (d->body.len && i == 0)
                    buf_str(&d->body, s == 0 ? "\\n\\n" : " ");
                else if (i)
                    buf_str(&d->body, " ");
                buf_word(&d->body, lex_form(lx, f), i == 0);
                clause_push(clause, &nc, f);
                if (st) {
                    count_form(st, lx, f, docno);
                    sample_long(st, d->li, clause, nc, &r);
                }
                if (i + 1 == len) {
                    buf_str(&d->body, ".");
                } else if ((rng_next(&r) & 15) == 0) {
                    buf_str(&d->body, ",");
                    nc = 0;
                }
            }
        }
    }
}

static void write_jsonl(FILE *f, const doc *d)
{
    fprintf(f,
            "{\"id\":\"%s\",\"date\":\"%s\",\"lang\":\"%s\",\"title\":\"%s\",\"body\":\"%s\","
            "\"tags\":[",
            d->id, d->date, LANGS[d->li], d->title.p, d->body.p);
    for (int t = 0; t < d->n_tags; t++)
        fprintf(f, "%s\"%s\"", t ? "," : "", TAGS[d->tags[t]]);
    fprintf(f, "],\"source\":\"bench\"}\n");
}

/* Text for the TSV file: a paragraph break (the JSON escapes "\n\n") becomes a space, as a
 * TSV field holds no line breaks. */
static void put_tsv_text(FILE *f, const char *s)
{
    for (const char *p; (p = strstr(s, "\\n\\n")) != NULL; s = p + 4) {
        fwrite(s, 1, (size_t)(p - s), f);
        fputc(' ', f);
    }
    fputs(s, f);
}

static void write_tsv(FILE *f, const doc *d, uint64_t docid)
{
    fprintf(f, "%llu\t%s\t", (unsigned long long)docid, d->title.p);
    put_tsv_text(f, d->body.p);
    fprintf(f, "\t%s\t%d\t", LANGS[d->li], (int)d->day);
    for (int t = 0; t < d->n_tags; t++)
        fprintf(f, "%s%s", t ? " " : "", TAGS[d->tags[t]]);
    fprintf(f, "\n");
}

/* ---- queries ------------------------------------------------------------------------------ */

typedef struct ranked {
    uint32_t form, df;
} ranked;

static int by_df_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? 1 : -1;
    return x->form < y->form ? -1 : x->form > y->form;
}

static size_t cp_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* The first k code points of s into out. */
static void cp_prefix(const char *s, size_t k, char *out)
{
    size_t i = 0, n = 0;
    while (s[i] && n <= k) {
        if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == k)
            break;
        i++;
    }
    memcpy(out, s, i);
    out[i] = '\0';
}

/* A long-corpus query: a three-word phrase, or a NEAR pair (b found gap words after a). */
static void emit_long(FILE *f, const char *kind, const char *lang, const char *a, const char *b,
                      const char *c, uint32_t gap)
{
    if (!strcmp(kind, "phrase3")) {
        fprintf(f, "%s\t%s\t\"%s %s %s\"\t\"%s %s %s\"\t\"%s %s %s\"\tPHRASE\t%s %s %s\n", kind,
                lang, a, b, c, a, b, c, a, b, c, a, b, c);
        return;
    }
    /* Two words of slack. At most N - 2 words between them in every engine: izde's NEAR/N (a
     * stretch of N words), Sphinx's "a b"~(N - 1) (a span under N + 1 words), FTS5's
     * NEAR(a b, N - 2) (at most that many words between). */
    uint32_t n = gap + 1 + 2;
    fprintf(f, "%s\t%s\t%s NEAR/%u %s\t\"%s %s\"~%u\tNEAR(%s %s, %u)\tNEAR\t%s %s\n", kind, lang, a,
            n, b, a, b, n - 1, a, b, n - 2, a, b);
}

static void emit(FILE *f, const char *kind, const char *lang, const char *a, const char *b)
{
    char izde[512], sph[512], fts[512], floor_terms[512];
    const char *op = "AND";
    if (!strcmp(kind, "frequent") || !strcmp(kind, "rare")) {
        snprintf(izde, sizeof izde, "%s", a);
        snprintf(sph, sizeof sph, "%s", a);
        snprintf(fts, sizeof fts, "%s", a);
        snprintf(floor_terms, sizeof floor_terms, "%s", a);
    } else if (!strcmp(kind, "and")) {
        snprintf(izde, sizeof izde, "%s %s", a, b);
        snprintf(sph, sizeof sph, "%s %s", a, b);
        snprintf(fts, sizeof fts, "%s AND %s", a, b);
        snprintf(floor_terms, sizeof floor_terms, "%s %s", a, b);
    } else if (!strcmp(kind, "or")) {
        snprintf(izde, sizeof izde, "%s OR %s", a, b);
        snprintf(sph, sizeof sph, "%s | %s", a, b);
        snprintf(fts, sizeof fts, "%s OR %s", a, b);
        snprintf(floor_terms, sizeof floor_terms, "%s %s", a, b);
        op = "OR";
    } else if (!strcmp(kind, "phrase")) {
        snprintf(izde, sizeof izde, "\"%s %s\"", a, b);
        snprintf(sph, sizeof sph, "\"%s %s\"", a, b);
        snprintf(fts, sizeof fts, "\"%s %s\"", a, b);
        snprintf(floor_terms, sizeof floor_terms, "%s %s", a, b);
        op = "PHRASE";
    } else { /* prefix */
        snprintf(izde, sizeof izde, "%s*", a);
        snprintf(sph, sizeof sph, "%s*", a);
        snprintf(fts, sizeof fts, "%s*", a);
        snprintf(floor_terms, sizeof floor_terms, "%s", a);
        op = "PREFIX";
    }
    fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", kind, lang, izde, sph, fts, op, floor_terms);
}

static void write_queries(const char *dir, lexicon *lex, stats *st, uint32_t per_class,
                          uint64_t seed)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/queries.tsv", dir);
    FILE *f = fopen(path, "w");
    snprintf(path, sizeof path, "%s/suggest.txt", dir);
    FILE *sg = fopen(path, "w");
    if (!f || !sg)
        die("cannot write queries in %s", dir);
    fprintf(f, "# kind\tlang\tizde\tsphinx\tfts5\tfloor_op\tfloor_terms\n");
    for (int li = 0; li < 3; li++) {
        lexicon *lx = &lex[li];
        rng r = rng_for(seed, 7, (uint64_t)li);
        ranked *rk = xmalloc(lx->n_forms * sizeof *rk);
        size_t n = 0;
        for (uint32_t fi = 0; fi < lx->n_forms; fi++)
            if (st->df[lx->form_base + fi] > 0)
                rk[n++] = (ranked){fi, st->df[lx->form_base + fi]};
        qsort(rk, n, sizeof *rk, by_df_desc);
        if (n < 100)
            die("%s", "corpus too small for a query set");
        size_t mid_lo = n / 200, mid_hi = n / 20; /* middle band for AND/OR/prefix */
        if (mid_hi <= mid_lo + 10)
            mid_hi = mid_lo + 10;
        size_t rare_lo = 0, rare_hi = 0; /* forms seen in 2..10 documents */
        for (size_t i = 0; i < n; i++) {
            if (rk[i].df <= 10 && !rare_lo)
                rare_lo = i;
            if (rk[i].df >= 2)
                rare_hi = i + 1;
        }
        if (rare_hi <= rare_lo)
            rare_lo = n / 2, rare_hi = n;
        const char *L = LANGS[li];
        for (uint32_t k = 0; k < per_class; k++)
            emit(f, "frequent", L, lex_form(lx, rk[k * 3 % 60].form), NULL);
        for (uint32_t k = 0; k < per_class; k++)
            emit(f, "rare", L,
                 lex_form(lx, rk[rare_lo + rng_below(&r, (uint32_t)(rare_hi - rare_lo))].form),
                 NULL);
        for (uint32_t k = 0; k < per_class; k++) {
            const char *a = lex_form(lx, rk[rng_below(&r, (uint32_t)mid_lo + 1)].form);
            const char *b =
                lex_form(lx, rk[mid_lo + rng_below(&r, (uint32_t)(mid_hi - mid_lo))].form);
            emit(f, "and", L, a, b);
        }
        for (uint32_t k = 0; k < per_class; k++) {
            const char *a =
                lex_form(lx, rk[mid_lo + rng_below(&r, (uint32_t)(mid_hi - mid_lo))].form);
            const char *b =
                lex_form(lx, rk[mid_lo + rng_below(&r, (uint32_t)(mid_hi - mid_lo))].form);
            emit(f, "or", L, a, b);
        }
        size_t nb = st->n_bigram[li] / 2;
        for (uint32_t k = 0; k < per_class && nb; k++) {
            size_t j = rng_below(&r, (uint32_t)nb);
            emit(f, "phrase", L, lex_form(lx, st->bigram[li][2 * j]),
                 lex_form(lx, st->bigram[li][2 * j + 1]));
        }
        /* Long articles: three-word phrases and NEAR pairs copied from the text at random. */
        size_t n3 = st->trigram[li].n / 3, nn = st->near[li].n / 3;
        rng rl = rng_for(seed, 8, (uint64_t)li); /* the other kinds stay as without them */
        for (uint32_t k = 0; k < per_class && n3; k++) {
            const uint32_t *t = st->trigram[li].v + 3 * rng_below(&rl, (uint32_t)n3);
            emit_long(f, "phrase3", L, lex_form(lx, t[0]), lex_form(lx, t[1]), lex_form(lx, t[2]),
                      0);
        }
        for (uint32_t k = 0; k < per_class && nn; k++) {
            const uint32_t *t = st->near[li].v + 3 * rng_below(&rl, (uint32_t)nn);
            emit_long(f, "near", L, lex_form(lx, t[0]), lex_form(lx, t[1]), NULL, t[2]);
        }
        for (uint32_t k = 0, tries = 0; k < per_class && tries < 10000; tries++) {
            const char *w =
                lex_form(lx, rk[mid_lo + rng_below(&r, (uint32_t)(mid_hi - mid_lo))].form);
            if (cp_len(w) < 6)
                continue;
            char p[64];
            cp_prefix(w, 4, p);
            emit(f, "prefix", L, p, NULL);
            k++;
        }
        /* /suggest: what someone has typed so far of frequent and middling words. */
        for (uint32_t k = 0; k < per_class * 4; k++) {
            const char *w = lex_form(lx, rk[rng_below(&r, (uint32_t)mid_hi)].form);
            char p[64];
            cp_prefix(w, 2 + k % 3, p);
            fprintf(sg, "%s\n", p);
        }
        free(rk);
    }
    if (fclose(f) || fclose(sg))
        die("write failed in %s", dir);
}

/* ---- main --------------------------------------------------------------------------------- */

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s", path);
    static char *bufs[8];
    static int nb;
    if (nb < 8) {
        bufs[nb] = xmalloc(1 << 20);
        setvbuf(f, bufs[nb++], _IOFBF, 1 << 20);
    }
    return f;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *dict = "/usr/share/dict/american-english",
               *ru_dic = "/usr/share/hunspell/ru_RU.dic", *ru_aff = "/usr/share/hunspell/ru_RU.aff",
               *kk_dic = "/usr/share/hunspell/kk_KZ.dic", *kk_aff = "/usr/share/hunspell/kk_KZ.aff";
    unsigned long long entries = 200000, seed = 20240501, per_class = 11;
    int long_mode = 0, near_queries = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--long") || !strcmp(a, "--near-queries")) {
            *(!strcmp(a, "--long") ? &long_mode : &near_queries) = 1;
            continue;
        }
        if (!v)
            die("%s needs a value", a);
        if (!strcmp(a, "--out"))
            out = v;
        else if (!strcmp(a, "--entries"))
            entries = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--seed"))
            seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--per-class"))
            per_class = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--dict"))
            dict = v;
        else if (!strcmp(a, "--ru-dic"))
            ru_dic = v;
        else if (!strcmp(a, "--ru-aff"))
            ru_aff = v;
        else if (!strcmp(a, "--kk-dic"))
            kk_dic = v;
        else if (!strcmp(a, "--kk-aff"))
            kk_aff = v;
        else
            die("unknown option %s", a);
        i++;
    }
    if (!out || entries < (long_mode ? 10 : 100) || per_class < 1)
        die("%s", "usage: gen --out DIR [--entries N>=100] [--long] [--near-queries] [--per-class "
                  "K] [--seed S]");

    lexicon lex[3];
    rng r = rng_for(seed, 1, 0);
    load_english(&lex[0], dict, 60000, &r);
    load_hunspell(&lex[1], ru_dic, ru_aff, 40000, &r, "ru");
    load_hunspell(&lex[2], kk_dic, kk_aff, 30000, &r, "kk");
    uint32_t total_forms = 0;
    for (int li = 0; li < 3; li++) {
        lex_zipf(&lex[li]);
        lex[li].form_base = total_forms;
        total_forms += lex[li].n_forms;
        fprintf(stderr, "gen: %s: %u lemmas, %u forms\n", lex[li].lang, lex[li].n_lemmas,
                lex[li].n_forms);
    }
    stats st;
    memset(&st, 0, sizeof st);
    st.df = calloc(total_forms, sizeof *st.df);
    st.last_doc = malloc(total_forms * sizeof *st.last_doc);
    if (!st.df || !st.last_doc)
        die("%s", "out of memory");
    memset(st.last_doc, 0xff, total_forms * sizeof *st.last_doc);
    st.long_mode = long_mode;
    st.near_queries = near_queries;

    FILE *fj = open_out(out, "corpus.jsonl"), *ft = open_out(out, "corpus.tsv");
    doc d;
    memset(&d, 0, sizeof d);
    unsigned long long text_bytes = 0, json_bytes = 0;
    for (unsigned long long n = 0; n < entries; n++) {
        if (long_mode)
            make_long_doc(&d, seed, n, lex, &st, (uint32_t)n);
        else
            make_doc(&d, seed, 2, n, "b", lex, &st, (uint32_t)n);
        long before = ftell(fj);
        write_jsonl(fj, &d);
        json_bytes += (unsigned long long)(ftell(fj) - before);
        write_tsv(ft, &d, n + 1);
        text_bytes += d.title.len + d.body.len;
    }
    if (fclose(fj) || fclose(ft))
        die("write failed in %s: disk full?", out);
    if (long_mode) /* the nightly batch is measured on the short entries */
        goto queries;
    /* The nightly batch: every k-th entry changed (new text, same id), and as many new ones. */
    FILE *fu = open_out(out, "update.jsonl");
    unsigned long long changed = entries >= 1000 ? 500 : entries / 2, step = entries / changed;
    for (unsigned long long k = 0; k < changed; k++) {
        make_doc(&d, seed, 3, k * step, "b", lex, NULL, 0);
        write_jsonl(fu, &d);
    }
    for (unsigned long long k = 0; k < 1000 - changed; k++) {
        make_doc(&d, seed, 4, entries + k, "b", lex, NULL, 0);
        write_jsonl(fu, &d);
    }
    if (fclose(fu))
        die("write failed in %s: disk full?", out);
queries:
    write_queries(out, lex, &st, (uint32_t)per_class, seed);
    FILE *fi = open_out(out, "corpus.info");
    fprintf(fi, "entries %llu\njson_bytes %llu\ntext_bytes %llu\nseed %llu\n", entries, json_bytes,
            text_bytes, seed);
    fclose(fi);
    return 0;
}
