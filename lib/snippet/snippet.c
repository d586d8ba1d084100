/* Passage choice and highlighting; the contract is izde/snippet.h.
 *
 * One tokenize pass gives the words; the caller's matcher marks the matched ones ("hits"),
 * which become "units", one per highlighted span: a word, an alias's range when only the alias
 * matched, or a whole phrase. A sliding window over the units finds the densest cluster
 * (linear in the number of matches); the chosen cores are then widened to word boundaries by
 * scans bounded by the length budget, so nothing here is quadratic in the text.
 *
 * Choices made here, beyond the header:
 *  - opts.length 0 and opts.max_fragments 0 mean the defaults (200, 3); at most 16 fragments.
 *  - A passage that starts mid-text is preceded by "… ", one that ends early followed by " …",
 *    fragments are joined by " … " (U+2026 with spaces), which count in the length budget.
 *  - An alias (IZDE_TOKEN_ALIAS) is asked only when its word did not match, and then its byte
 *    range is highlighted (all of "Nur-Sultan" for the joined alias "nursultan").
 *  - White space is Unicode White_Space plus the C0/C1 controls (NUL included).
 *  - Passages end at white space whenever possible; inside a run without white space (a long
 *    address, a line of emoji) they end where no word and no grapheme is split; the lead of a
 *    text that has neither may, as a last resort, end between two letters.
 */
#include <izde/array.h>
#include <izde/buf.h>
#include <izde/snippet.h>
#include <izde/utf8.h>

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#define DEFAULT_LENGTH 200
#define DEFAULT_FRAGMENTS 3
#define MAX_FRAGMENTS 16
#define SEP_CPS 3        /* " … " */
#define SENTENCE_NEAR 40 /* a sentence start this close before a match starts the passage */
#define FEW_WORDS 30     /* otherwise this much context before the first match */
#define MERGE_GAP 12     /* fragments closer than this are joined instead of separated */
#define LONG_RUN 24      /* a run without white space this long may be cut at punctuation */
#define COVER_TERMS 16   /* the most query terms a long text's early end follows */

static const char ELLIPSIS[] = "\xE2\x80\xA6"; /* U+2026 */

/* ---- characters ---------------------------------------------------------------------- */

static int is_space(uint32_t c)
{
    if (c < 0x80)
        return c <= 0x20 || c == 0x7F;
    if (c >= 0x300 && c < 0x1680)
        return 0; /* no white space there: Cyrillic text needs no property look-up */
    return c < 0xA0 || u_isUWhiteSpace((UChar32)c);
}

/* Letters, marks, digits and what joins them inside one word. */
static int is_wordish(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ||
               c == '\'';
    return (U_GET_GC_MASK((UChar32)c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_PC_MASK)) ||
           c == 0x2019;
}

/* Characters that belong to the grapheme before them: nothing may be cut before these. */
static int is_extend(uint32_t c)
{
    if (c < 0x300)
        return 0;
    return (U_GET_GC_MASK((UChar32)c) & U_GC_M_MASK) || c == 0x200D ||
           (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F3FB && c <= 0x1F3FF) ||
           (c >= 0xE0020 && c <= 0xE007F) || (c >= 0xE0100 && c <= 0xE01EF);
}

static int is_regional(uint32_t c)
{
    return c >= 0x1F1E6 && c <= 0x1F1FF;
}

static int is_closer(uint32_t c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0xBB || c == 0x201D || c == 0x2019;
}

static int is_terminator(uint32_t c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002;
}

/* ---- growable output ------------------------------------------------------------------- */

static void buf_put_escaped(izde_buf *b, const char *s, size_t n)
{
    size_t run = 0; /* bytes not yet copied that need no escaping */
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        izde_buf_append(b, s + run, i - run);
        izde_buf_append(b, rep, strlen(rep));
        run = i + 1;
    }
    izde_buf_append(b, s + run, n - run);
}

char *izde_html_escape(const char *s, size_t len)
{
    izde_buf b = {0};
    izde_buf_append(&b, "", 0);
    if (len)
        buf_put_escaped(&b, s, len);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* ---- matches --------------------------------------------------------------------------- */

typedef struct hit {
    uint32_t b0, b1; /* the bytes highlighted for this word */
    uint32_t pos;    /* word position */
    uint32_t order;  /* token index, to keep sorting stable */
    int term;        /* the matcher's term index */
    uint32_t id;     /* the term as a dense id, for counting distinct terms */
} hit;

/* One highlighted span: hits [h0, h1) merged (a phrase, or ranges that overlap). */
typedef struct unit {
    uint32_t b0, b1; /* bytes of the text */
    uint32_t c0, c1; /* code points of the whole folded text */
    uint32_t h0, h1;
} unit;

typedef struct frag {
    size_t u0, u1; /* the core: units [u0, u1) */
    size_t b0, b1; /* the passage: bytes of the text */
} frag;

typedef struct snip {
    const unsigned char *s;
    size_t len;
    size_t first, last; /* the first non-space byte; the end of the last non-space character */
    hit *hits;
    size_t nh, hcap;
    unit *units;
    size_t nu;
    size_t nterms;
    uint32_t *counts;     /* per term id, inside the current window */
    unsigned char *shown; /* per term id, already in a chosen fragment */
    unsigned char *used;  /* per unit, already in a chosen fragment */
} snip;

/* The code point at byte i of the text (the tokenizer or the chunk scan validated it); its
 * length in *n. One and two bytes (ASCII, Cyrillic) are decoded here: this runs per byte. */
static uint32_t decode_at(const snip *sn, size_t i, size_t *n)
{
    const unsigned char *p = sn->s + i;
    if (p[0] < 0x80) {
        *n = 1;
        return p[0];
    }
    if (p[0] < 0xE0 && i + 1 < sn->len) {
        *n = 2;
        return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
    }
    uint32_t c = IZDE_UTF8_REPLACEMENT;
    *n = izde_utf8_decode((const char *)sn->s + i, sn->len - i, &c);
    if (*n == 0)
        *n = 1;
    return c;
}

static int push_hit(snip *sn, const izde_token *tk, size_t base, size_t order, int term)
{
    if (!izde_array_reserve(&sn->hits, &sn->hcap, sn->nh + 1, sizeof *sn->hits))
        return 0;
    sn->hits[sn->nh++] = (hit){(uint32_t)(base + tk->start),
                               (uint32_t)(base + tk->end),
                               tk->pos,
                               (uint32_t)order,
                               term,
                               0};
    return 1;
}

static int has_hit_at(const hit *h, size_t n, uint32_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && h[lo].pos == pos;
}

static int cmp_hit(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* Asks the matcher about the words of one tokenized run of the text (at byte base, token
 * indices from order), and about an alias only when its word did not match. Word hits come
 * in position order; *aliases is set when an alias matched (the hits then need sorting). */
static int collect_run(snip *sn, const izde_tokens *tk, size_t base, size_t order,
                       const izde_snippet_query *q, int *aliases)
{
    size_t n = izde_tokens_count(tk), first = sn->nh;
    /* Words come in position order; aliases follow their word or come after all words. */
    for (size_t i = 0; i < n; i++) {
        const izde_token *k = izde_tokens_get(tk, i);
        if (k->flags & IZDE_TOKEN_ALIAS)
            continue;
        int term = q->match(q->ctx, k);
        if (term >= 0 && !push_hit(sn, k, base, order + i, term))
            return 0;
    }
    size_t words = sn->nh;
    for (size_t i = 0; i < n; i++) {
        const izde_token *k = izde_tokens_get(tk, i);
        if (!(k->flags & IZDE_TOKEN_ALIAS) ||
            (words > first && has_hit_at(sn->hits + first, words - first, k->pos)))
            continue;
        if (sn->nh > words && sn->hits[sn->nh - 1].pos == k->pos)
            continue; /* another alias of this word matched already */
        int term = q->match(q->ctx, k);
        if (term >= 0 && !push_hit(sn, k, base, order + i, term))
            return 0;
    }
    *aliases |= sn->nh > words;
    return 1;
}

/* Sorts the hits by position when aliases matched, one per position, and gives the terms
 * dense ids, so that counting needs no table as large as the largest term index. */
static int finish_hits(snip *sn, int aliases)
{
    if (sn->nh == 0)
        return 1;
    if (aliases) {
        qsort(sn->hits, sn->nh, sizeof *sn->hits, cmp_hit);
        size_t w = 1;
        for (size_t i = 1; i < sn->nh; i++)
            if (sn->hits[i].pos != sn->hits[w - 1].pos)
                sn->hits[w++] = sn->hits[i];
        sn->nh = w;
    }
    int *terms = malloc(sn->nh * sizeof *terms);
    if (!terms)
        return 0;
    for (size_t i = 0; i < sn->nh; i++)
        terms[i] = sn->hits[i].term;
    qsort(terms, sn->nh, sizeof *terms, cmp_int);
    size_t nt = 1;
    for (size_t i = 1; i < sn->nh; i++)
        if (terms[i] != terms[nt - 1])
            terms[nt++] = terms[i];
    for (size_t i = 0; i < sn->nh; i++) {
        const int *f = bsearch(&sn->hits[i].term, terms, nt, sizeof *terms, cmp_int);
        sn->hits[i].id = (uint32_t)(f - terms);
    }
    free(terms);
    sn->nterms = nt;
    return 1;
}

/* ---- where to look --------------------------------------------------------------------- */

/* The text is cut at white space into chunks. A "plain" chunk is letters (ASCII or Cyrillic)
 * with at most some trailing . , ; : ! ? — ICU makes exactly one word of it and no alias
 * starts inside it. A run is a maximal sequence of chunks that are not plain words that
 * cannot match; only runs with a chunk that may match are tokenized, each on its own, with
 * a gap in positions after every run. That gives the same hits as one pass over the whole
 * text: word breaks never depend on what lies beyond white space, compounds never span it,
 * and two hits in different runs have a plain word that is no hit between them, so no
 * phrase can join them. */

static int is_cut_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Letters of plain chunks: ASCII and Cyrillic letters (no marks, no signs). */
static int is_plain_letter(uint32_t c)
{
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return c >= 0x400 && c <= 0x4FF && !(c >= 0x482 && c <= 0x489);
}

static int is_plain_tail(uint32_t c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

/* Whether a token may begin with c: ICU starts no word with white space, a control or
 * punctuation, except the connectors it keeps inside words (_, U+202F); and the tokenizer
 * joins an e-mail address from its parts, whose local part may be empty (@). */
static int may_begin(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ||
               c == '@';
    if (is_plain_letter(c) || c == 0x202F) /* NNBSP joins words like _ does */
        return 1;
    uint32_t gc = U_GET_GC_MASK((UChar32)c);
    return (gc & U_GC_PC_MASK) || !(gc & (U_GC_Z_MASK | U_GC_CC_MASK | U_GC_P_MASK));
}

/* How many of the eight bytes at p are plain letters from the first on: all eight when they
 * are eight ASCII letters or four Cyrillic ones (p at a lead byte), else the ASCII letters
 * before the first other byte, or 0 (the byte loop then decides). */
static size_t plain_letters_in8(const unsigned char *p)
{
    uint64_t w = izde_utf8_load8(p);
    if (!(w & IZDE_UTF8_HIGH_BITS)) {
        /* a byte is a letter when, with bit 5 set, it lies in 0x61-0x7A; no byte overflows */
        uint64_t t = w | 0x2020202020202020ull;
        uint64_t from_a = (t + 0x1F1F1F1F1F1F1F1Full) & IZDE_UTF8_HIGH_BITS;
        uint64_t past_z = (t + 0x0505050505050505ull) & IZDE_UTF8_HIGH_BITS;
        uint64_t other = ~(from_a & ~past_z) & IZDE_UTF8_HIGH_BITS;
        return other ? (size_t)__builtin_ctzll(other) / 8 : 8;
    }
    /* leads D0-D3 at even bytes, continuations at odd ones */
    if ((w & 0xC0FCC0FCC0FCC0FCull) != 0x80D080D080D080D0ull)
        return 0;
    for (int k = 0; k < 8; k += 2) /* not the signs U+0482-U+0489 (D2 82-89) */
        if (p[k] == 0xD2 && p[k + 1] >= 0x82 && p[k + 1] <= 0x89)
            return 0;
    return 8;
}

/* Past the plain letters (is_plain_letter) from s[i]: ASCII letters, and two-byte sequences
 * of Cyrillic letters (D0, D1 and D3 leads, and D2 but for U+0482-U+0489). Most of a long
 * text's bytes go through here: eight at a time inside a word, then a byte or two. */
static size_t skip_plain_letters(const unsigned char *s, size_t i, size_t len)
{
    while (i + 8 <= len) {
        size_t n = plain_letters_in8(s + i);
        i += n;
        if (n < 8)
            break;
    }
    while (i < len) {
        unsigned char b = s[i];
        if ((unsigned char)((b | 0x20) - 'a') < 26) {
            i++;
        } else if (b >= 0xD0 && b <= 0xD3 && i + 1 < len && (s[i + 1] & 0xC0) == 0x80 &&
                   !(b == 0xD2 && s[i + 1] >= 0x82 && s[i + 1] <= 0x89)) {
            i += 2;
        } else {
            break;
        }
    }
    return i;
}

/* Scans the chunk at s[i, ...): sets *end past it, *plain, and *maybe when the matcher may
 * match a token or alias beginning inside it. *bad is the first invalid UTF-8 byte, or len.
 * Letters after a word's first letter change nothing (no word begins there, and they keep a
 * plain chunk plain unless its tail began), so they are skipped a run at a time. */
static void scan_chunk(const snip *sn, const izde_snippet_query *q, size_t i, size_t *end,
                       int *plain, int *maybe, size_t *bad)
{
    const char *s = (const char *)sn->s;
    int tail = 0, after_break = 1;
    *plain = 1;
    *maybe = 0;
    while (i < sn->len && !is_cut_space(sn->s[i])) {
        if (!after_break && !(*plain && tail)) {
            i = skip_plain_letters(sn->s, i, sn->len);
            if (i >= sn->len || is_cut_space(sn->s[i]))
                break;
        }
        uint32_t c = sn->s[i];
        size_t n = 1;
        if (c >= 0xC2 && c < 0xE0 && i + 1 < sn->len && (sn->s[i + 1] & 0xC0) == 0x80) {
            c = (c & 0x1F) << 6 | (sn->s[i + 1] & 0x3F);
            n = 2;
        } else if (c >= 0x80) {
            n = izde_utf8_decode(s + i, sn->len - i, &c);
        }
        if (n == 0) {
            *bad = i;
            return;
        }
        int letter = is_plain_letter(c);
        if (*plain) {
            if (letter && !tail)
                ;
            else if (is_plain_tail(c) && i > 0 && !is_cut_space(sn->s[i - 1]))
                tail = 1;
            else
                *plain = 0;
        }
        /* ICU also breaks inside a run of letters where the script changes to one that is not
         * plain (Ks𬞛: "ks", "𬞛"), so such a character may begin a word too. */
        if (!*maybe && (after_break || (c >= 0x80 && !letter)) && may_begin(c))
            *maybe = q->may_start(q->ctx, s + i, sn->len - i);
        after_break = !(letter || (c >= '0' && c <= '9'));
        i += n;
    }
    *end = i;
}

/* Tokenizes s[a, b) as one run: positions from *pos, then a gap. */
static izde_status tokenize_run(snip *sn, izde_text *t, izde_tokens *tk, size_t a, size_t b,
                                uint32_t *pos, size_t *order, const izde_snippet_query *q,
                                int *aliases, izde_error *err)
{
    izde_status st = izde_text_tokenize(t, (const char *)sn->s + a, b - a, *pos, tk, err);
    if (st != IZDE_OK)
        return st;
    size_t n = izde_tokens_count(tk);
    if (!collect_run(sn, tk, a, *order, q, aliases))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const izde_token *k = izde_tokens_get(tk, i);
        if (k->pos >= *pos)
            *pos = k->pos + 1;
    }
    *pos += 1;
    *order += n;
    return IZDE_OK;
}

/* The latest match of each term found so far, which tells when the text read holds a
 * window with every term (the early end of a long text's search, izde/snippet.h). */
typedef struct coverage {
    size_t want; /* the query's n_terms; 0: read the whole text */
    size_t n;
    int term[COVER_TERMS];
    uint32_t b0[COVER_TERMS], b1[COVER_TERMS];
    int covered; /* the latest matches of want terms fit in width bytes */
} coverage;

/* Notes the hits from `from` on; the span is measured in code points only when its bytes
 * (at most four per code point) could be few enough. */
static void coverage_note(coverage *c, const snip *sn, size_t from, size_t width)
{
    for (size_t h = from; h < sn->nh && c->want && !c->covered; h++) {
        const hit *x = &sn->hits[h];
        size_t k = 0;
        while (k < c->n && c->term[k] != x->term)
            k++;
        if (k == COVER_TERMS) {
            c->want = 0; /* more terms than followed: read the whole text */
            return;
        }
        c->n += k == c->n;
        c->term[k] = x->term;
        c->b0[k] = x->b0;
        c->b1[k] = x->b1;
        if (c->n < c->want)
            continue;
        uint32_t lo = UINT32_MAX, hi = 0;
        for (k = 0; k < c->n; k++) {
            lo = c->b0[k] < lo ? c->b0[k] : lo;
            hi = c->b1[k] > hi ? c->b1[k] : hi;
        }
        c->covered =
            hi - lo <= width ||
            (hi - lo <= 4 * width && izde_utf8_count((const char *)sn->s + lo, hi - lo) <= width);
    }
}

/* The start of the last chunk at or before x, and after lo, that is plain and cannot match:
 * every run of the whole text ends before it, so reading can resume there with the same runs
 * (see find_hits). lo when there is none. */
static size_t landing_before(const snip *sn, const izde_snippet_query *q, size_t x, size_t lo)
{
    size_t c = x;
    while (c > lo) {
        while (c > lo && !is_cut_space(sn->s[c - 1]))
            c--;
        size_t end = c, bad = sn->len;
        int plain, maybe;
        scan_chunk(sn, q, c, &end, &plain, &maybe, &bad);
        if (bad == sn->len && plain && !maybe && c > lo)
            return c;
        while (c > lo && is_cut_space(sn->s[c - 1]))
            c--;
    }
    return lo;
}

/* Where reading goes on from byte i, between runs, when q gives the ranges where matches
 * begin: i inside or just before the current range (*r), a landing place before the next
 * one, or the text's end once none is left. *tried: the range a landing was last looked for,
 * so a gap without one is walked once. */
static size_t next_in_ranges(const snip *sn, const izde_snippet_query *q, size_t i, size_t *r,
                             size_t *tried)
{
    while (*r < q->n_ranges && q->ranges[2 * *r + 1] <= i)
        (*r)++;
    if (*r == q->n_ranges)
        return sn->len;
    size_t start = q->ranges[2 * *r];
    if (start <= i || *tried == *r)
        return i;
    *tried = *r;
    return landing_before(sn, q, start < sn->len ? start : sn->len, i);
}

/* The first invalid UTF-8 byte of [from, to), bytes the search skips, or sn->len when there is
 * none or the caller vouched for the text (text_valid). */
static size_t skipped_bad(const snip *sn, const izde_snippet_query *q, size_t from, size_t to)
{
    if (q->text_valid || from >= to)
        return sn->len;
    size_t ok = izde_utf8_invalid_at((const char *)sn->s + from, to - from);
    return ok < to - from ? from + ok : sn->len;
}

/* Finds the hits: over the whole text, or only over the runs that may hold one (near q's
 * ranges, when it has them); with cover_width, only until a window that wide shows every
 * term, past READ_ALL bytes. Skipped bytes are still checked as UTF-8. */
static izde_status find_hits(snip *sn, izde_text *t, const izde_snippet_query *q,
                             size_t cover_width, izde_error *err)
{
    izde_status st = IZDE_OK;
    izde_tokens *tk = izde_tokens_new();
    if (!tk)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    uint32_t pos = 0;
    size_t order = 0;
    int aliases = 0;
    if (!q || !q->match) {
        st = izde_text_tokenize(t, (const char *)sn->s, sn->len, 0, tk, err); /* validates */
    } else if (!q->may_start) {
        st = tokenize_run(sn, t, tk, 0, sn->len, &pos, &order, q, &aliases, err);
    } else {
        size_t run_a = 0, run_b = 0, bad = sn->len, i = 0, r = 0, tried = SIZE_MAX;
        int open = 0, run_maybe = 0;
        coverage cov = {.want = cover_width && q->n_terms <= COVER_TERMS ? q->n_terms : 0};
        while (st == IZDE_OK && i < sn->len) {
            if (q->ranges && !open) {
                size_t to = next_in_ranges(sn, q, i, &r, &tried);
                bad = skipped_bad(sn, q, i, to);
                i = to;
                if (bad < sn->len || i >= sn->len)
                    break;
            }
            if (is_cut_space(sn->s[i])) {
                i++;
                continue;
            }
            size_t end = i;
            int plain, maybe;
            scan_chunk(sn, q, i, &end, &plain, &maybe, &bad);
            if (bad < sn->len)
                break;
            if (plain && !maybe) {
                size_t from = sn->nh;
                if (open && run_maybe)
                    st = tokenize_run(sn, t, tk, run_a, run_b, &pos, &order, q, &aliases, err);
                coverage_note(&cov, sn, from, cover_width);
                open = 0;
                if (cov.covered && end >= IZDE_SNIPPET_READ_ALL) {
                    bad = skipped_bad(sn, q, end, sn->len);
                    break; /* the rest is only checked, as the contract asks */
                }
            } else {
                if (!open)
                    run_a = i;
                run_maybe = open ? run_maybe | maybe : maybe;
                open = 1;
                run_b = end;
            }
            i = end;
        }
        if (bad < sn->len)
            st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "invalid UTF-8 at byte %zu", bad);
        else if (st == IZDE_OK && open && run_maybe)
            st = tokenize_run(sn, t, tk, run_a, run_b, &pos, &order, q, &aliases, err);
    }
    if (st == IZDE_OK && !finish_hits(sn, aliases))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_tokens_free(tk);
    return st;
}

/* Length of the longest phrase of q that the hits starting at i spell at consecutive
 * positions, or 1. */
static size_t phrase_at(const snip *sn, size_t i, const izde_snippet_query *q)
{
    size_t best = 1;
    if (!q || !q->phrases || !q->phrase_lens)
        return best;
    for (size_t p = 0; p < q->n_phrases; p++) {
        size_t n = q->phrase_lens[p];
        const int *ph = q->phrases[p];
        if (n <= best || !ph || n > sn->nh - i)
            continue;
        size_t k = 0;
        while (k < n && sn->hits[i + k].pos == sn->hits[i].pos + k && sn->hits[i + k].term == ph[k])
            k++;
        if (k == n)
            best = n;
    }
    return best;
}

static int build_units(snip *sn, const izde_snippet_query *q)
{
    if (sn->nh == 0)
        return 1;
    sn->units = malloc(sn->nh * sizeof *sn->units);
    if (!sn->units)
        return 0;
    for (size_t i = 0; i < sn->nh;) {
        size_t n = phrase_at(sn, i, q);
        unit u = {sn->hits[i].b0, sn->hits[i].b1, 0, 0, (uint32_t)i, (uint32_t)(i + n)};
        for (size_t k = i + 1; k < i + n; k++)
            if (sn->hits[k].b1 > u.b1)
                u.b1 = sn->hits[k].b1;
        unit *prev = sn->nu ? &sn->units[sn->nu - 1] : NULL;
        if (prev && u.b0 < prev->b1) { /* e.g. "Nur-Sultan" by its alias, then "Sultan" */
            if (u.b1 > prev->b1)
                prev->b1 = u.b1;
            prev->h1 = u.h1;
        } else {
            sn->units[sn->nu++] = u;
        }
        i += n;
    }
    return 1;
}

/* Folded code points (white space runs count as one, before the next character) of the
 * characters that start in s[*i, end), where no unit starts or ends, stopping once *cp passes
 * limit: a tight loop, as it runs over the text between the matches. Only the lead bytes C2,
 * E1, E2 and E3 can begin white space above ASCII (U+0085, U+00A0, U+1680, U+2000-U+205F,
 * U+3000), so only those are decoded. */
#define LOW7_BITS 0x7F7F7F7F7F7F7F7Full

/* Set high bits of m (one per byte) counted. */
static uint32_t count_high(uint64_t m)
{
    return (uint32_t)(((m >> 7) * 0x0101010101010101ull) >> 56);
}

/* count_between over the eight bytes at s, once a non-space has been seen: adds to *cp and
 * sets *pend, and returns how many bytes it took (8, or 7 when the last begins a character),
 * or 0 when they hold a lead byte that may begin white space or a sequence of three bytes or
 * more (C2, E0-FF), left to the loop. One bit per byte: the characters that are not white
 * space, each counting one, and those right after white space, counting one more. */
static size_t count_block(const unsigned char *s, uint32_t *cp, int *pend)
{
    uint64_t w = izde_utf8_load8(s);
    uint64_t high = w & IZDE_UTF8_HIGH_BITS, bit6 = (w << 1) & IZDE_UTF8_HIGH_BITS,
             bit5 = (w << 2) & IZDE_UTF8_HIGH_BITS;
    uint64_t c2 = w ^ 0xC2C2C2C2C2C2C2C2ull;
    if ((high & bit6 & bit5) || ((c2 - 0x0101010101010101ull) & ~c2 & IZDE_UTF8_HIGH_BITS))
        return 0;
    uint64_t low7 = w & LOW7_BITS;
    uint64_t space = ~high & (~(low7 + 0x5F5F5F5F5F5F5F5Full) | (low7 + 0x0101010101010101ull)) &
                     IZDE_UTF8_HIGH_BITS;                    /* 00-20 and 7F */
    uint64_t starts = ~(high & ~bit6) & IZDE_UTF8_HIGH_BITS; /* ASCII and lead bytes */
    uint64_t take =
        high & bit6 & 0x8000000000000000ull ? 0x0080808080808080ull : IZDE_UTF8_HIGH_BITS;
    uint64_t solid = starts & ~space & take;
    uint64_t after = solid & (space << 8 | (uint64_t)(*pend ? 0x80 : 0));
    *cp += count_high(solid) + count_high(after);
    *pend = take == IZDE_UTF8_HIGH_BITS ? (int)(space >> 63) : (int)((space >> 55) & 1);
    return take == IZDE_UTF8_HIGH_BITS ? 8 : 7;
}

static void count_between(const snip *sn, size_t *i, size_t end, uint32_t limit, uint32_t *cp,
                          int *pending, int *seen)
{
    size_t p = *i;
    uint32_t n_cp = *cp;
    int pend = *pending, any = *seen;
    while (p < end && n_cp <= limit) {
        size_t took = any && p + 8 <= end ? count_block(sn->s + p, &n_cp, &pend) : 0;
        if (took) {
            p += took;
            continue;
        }
        unsigned char b = sn->s[p];
        size_t n;
        int space;
        if (b < 0x80) {
            space = b <= 0x20 || b == 0x7F;
            n = 1;
        } else if (b == 0xC2 || (b >= 0xE1 && b <= 0xE3)) {
            space = is_space(decode_at(sn, p, &n));
        } else {
            space = 0;
            n = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        }
        if (space) {
            pend = any;
        } else {
            n_cp += 1u + (uint32_t)pend;
            pend = 0;
            any = 1;
        }
        p += n;
    }
    *i = p;
    *cp = n_cp;
    *pending = pend;
    *seen = any;
}

/* Counts the gap s[*i, end) before the next unit, but only up to more than width code points:
 * the offsets are only ever subtracted, and a difference is only compared with a window of at
 * most width, so a gap wider than that may be counted as any number above width. The rest is
 * skipped; what the next unit needs of it is whether a white space run ends it. */
static void count_gap(const snip *sn, size_t *i, size_t end, size_t width, uint32_t *cp,
                      int *pending, int *seen)
{
    uint32_t room = UINT32_MAX - *cp;
    uint32_t limit = width < room ? *cp + (uint32_t)width + 1 : UINT32_MAX;
    count_between(sn, i, end, limit, cp, pending, seen);
    if (*i < end) { /* stopped past limit: something was seen */
        size_t n;
        *pending = is_space(decode_at(sn, izde_utf8_prev((const char *)sn->s, end), &n));
        *i = end;
    }
}

/* Code point offsets of the units in the folded text (white space runs count as one), in
 * one pass up to the last unit; gaps between units wider than width (the widest window that
 * will be asked for) are counted only up to width. */
static void place_units(snip *sn, size_t width)
{
    size_t ui = 0, uj = 0, i = 0;
    uint32_t cp = 0;
    int pending = 0, seen = 0;
    while (uj < sn->nu && i < sn->len) {
        size_t next = ui < sn->nu && sn->units[ui].b0 < sn->units[uj].b1 ? sn->units[ui].b0
                                                                         : sn->units[uj].b1;
        if (i < next) {
            size_t stop = next < sn->len ? next : sn->len;
            if (ui == uj) /* between two units, or before the first */
                count_gap(sn, &i, stop, width, &cp, &pending, &seen);
            else
                count_between(sn, &i, stop, UINT32_MAX, &cp, &pending, &seen);
            continue;
        }
        while (uj < sn->nu && sn->units[uj].b1 <= i)
            sn->units[uj++].c1 = cp;
        if (uj == sn->nu)
            break;
        size_t n;
        uint32_t c = decode_at(sn, i, &n);
        if (is_space(c)) {
            pending = seen;
        } else {
            if (pending)
                cp++;
            pending = 0;
            while (ui < sn->nu && sn->units[ui].b0 <= i)
                sn->units[ui++].c0 = cp;
            cp++;
            seen = 1;
        }
        i += n;
    }
    while (uj < sn->nu)
        sn->units[uj++].c1 = cp;
}

/* ---- choosing the cores ---------------------------------------------------------------- */

typedef struct window {
    size_t nnew, nhits; /* terms not shown yet; matched words */
} window;

static void window_add(snip *sn, window *w, size_t u, int sign)
{
    for (size_t h = sn->units[u].h0; h < sn->units[u].h1; h++) {
        uint32_t id = sn->hits[h].id;
        if (sign > 0) {
            if (sn->counts[id]++ == 0 && !sn->shown[id])
                w->nnew++;
            w->nhits++;
        } else {
            if (--sn->counts[id] == 0 && !sn->shown[id])
                w->nnew--;
            w->nhits--;
        }
    }
}

/* The run of unused units at most width code points wide with the most terms not yet shown,
 * then the most matched words (the earliest on a tie). 0 when no run shows a new term. */
static int best_window(snip *sn, uint32_t width, size_t *out_u0, size_t *out_u1)
{
    window best = {0, 0}, w = {0, 0};
    memset(sn->counts, 0, sn->nterms * sizeof *sn->counts);
    for (size_t i = 0; i < sn->nu;) {
        if (sn->used[i]) {
            i++;
            continue;
        }
        size_t end = i;
        while (end < sn->nu && !sn->used[end])
            end++;
        size_t j = i;
        for (size_t a = i; a < end; a++) {
            while (j < end && (j == a || sn->units[j].c1 - sn->units[a].c0 <= width))
                window_add(sn, &w, j++, 1);
            if (w.nnew > best.nnew || (w.nnew == best.nnew && w.nnew && w.nhits > best.nhits)) {
                best = w;
                *out_u0 = a;
                *out_u1 = j;
            }
            window_add(sn, &w, a, -1);
        }
        i = end;
    }
    return best.nnew > 0;
}

/* Greedy cores for k = 1, 2, ... fragments of width about length / k: the first is the
 * densest window, each further one must show a term not shown yet. Keeps the k that shows the
 * most distinct terms (the smallest such k). Returns the number of cores, sorted. */
static size_t plan_cores(snip *sn, size_t length, size_t max_frags, frag *out)
{
    size_t best_n = 0, best_shown = 0;
    frag cur[MAX_FRAGMENTS];
    size_t kmax = max_frags < sn->nterms ? max_frags : sn->nterms;
    for (size_t k = 1; k <= kmax && best_shown < sn->nterms; k++) {
        size_t sep = SEP_CPS * (k - 1);
        size_t width = length > sep + k ? (length - sep) / k : 1;
        if (width > UINT32_MAX)
            width = UINT32_MAX;
        memset(sn->shown, 0, sn->nterms);
        memset(sn->used, 0, sn->nu);
        size_t n = 0, shown = 0, u0 = 0, u1 = 0;
        while (n < k && best_window(sn, (uint32_t)width, &u0, &u1)) {
            cur[n++] = (frag){u0, u1, 0, 0};
            for (size_t u = u0; u < u1; u++) {
                sn->used[u] = 1;
                for (size_t h = sn->units[u].h0; h < sn->units[u].h1; h++) {
                    shown += !sn->shown[sn->hits[h].id];
                    sn->shown[sn->hits[h].id] = 1;
                }
            }
        }
        if (shown > best_shown) {
            best_shown = shown;
            best_n = n;
            memcpy(out, cur, n * sizeof *cur);
        }
    }
    for (size_t i = 1; i < best_n; i++) /* insertion sort: a handful of fragments */
        for (size_t j = i; j > 0 && out[j].u0 < out[j - 1].u0; j--) {
            frag f = out[j];
            out[j] = out[j - 1];
            out[j - 1] = f;
        }
    return best_n;
}

/* ---- widening to word boundaries ------------------------------------------------------- */

static int inside_unit(const snip *sn, size_t u, size_t p)
{
    return u < sn->nu && sn->units[u].b0 < p && p < sn->units[u].b1;
}

/* Whether the word starting at p (after white space or at the start) starts a sentence: not
 * lower case, and after a paragraph break or a terminator (maybe with closing quotes). */
static int sentence_start(const snip *sn, size_t p)
{
    size_t n;
    if (u_islower((UChar32)decode_at(sn, p, &n)))
        return 0;
    int newline = 0;
    while (p > 0) {
        size_t q = izde_utf8_prev((const char *)sn->s, p);
        uint32_t c = decode_at(sn, q, &n);
        if (!is_space(c))
            break;
        newline |= c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
        p = q;
    }
    if (p == 0 || newline)
        return 1;
    uint32_t c;
    do {
        p = izde_utf8_prev((const char *)sn->s, p);
        c = decode_at(sn, p, &n);
    } while (is_closer(c) && p > 0);
    return is_terminator(c);
}

/* Code points from p to the end (dir > 0) or start (dir < 0) of the run without white space
 * that p is in, when that is at most LONG_RUN and within limit; else 0. A passage always
 * takes such a short rest, so that "(Almaty)" or "2020-2021" is never shown in part. */
static uint32_t short_rest(const snip *sn, size_t p, size_t limit, int dir)
{
    uint32_t d = 0;
    size_t n;
    while (dir > 0 ? p < limit : p > limit) {
        size_t q = dir > 0 ? p : izde_utf8_prev((const char *)sn->s, p);
        uint32_t c = decode_at(sn, q, &n);
        if (is_space(c))
            return d;
        if (++d > LONG_RUN)
            return 0;
        p = dir > 0 ? p + n : q;
    }
    return (dir > 0 ? p == sn->len : p == 0) ? d : 0;
}

typedef struct start_choice {
    size_t near_sent, far_sent, over_sent, far_word;
    uint32_t d_near_sent, d_far_sent, d_over_sent, d_far_word;
    int has_near_sent, has_far_sent, has_over_sent, has_word;
} start_choice;

/* Scans back from from (a word boundary) down to limit, noting the word starts that do not
 * cut a unit: the nearest sentence start within near code points, the furthest sentence start
 * and the furthest word start within target, and the nearest sentence start beyond target but
 * within target + over. u is the last unit before from. */
static void scan_back(const snip *sn, size_t from, size_t limit, size_t u, uint32_t target,
                      uint32_t near, uint32_t over, start_choice *r)
{
    memset(r, 0, sizeof *r);
    uint32_t rest = short_rest(sn, from, limit, -1);
    if (rest > target)
        target = rest;
    uint32_t bound = target + over > near ? target + over : near, d = 0;
    int pending = 0;
    size_t p = from;
    for (;;) {
        while (u < sn->nu && u > 0 && sn->units[u].b0 >= p)
            u--;
        size_t n;
        int word_start =
            !inside_unit(sn, u, p) &&
            (p == 0 || is_space(decode_at(sn, izde_utf8_prev((const char *)sn->s, p), &n)));
        if (word_start && d <= target) {
            r->far_word = p;
            r->d_far_word = d;
            r->has_word = 1;
        }
        int want_near = !r->has_near_sent && d <= near;
        int want_over = !r->has_over_sent && d > target && d <= target + over;
        if (word_start && (want_near || want_over || d <= target) && sentence_start(sn, p)) {
            if (want_near) {
                r->near_sent = p;
                r->d_near_sent = d;
                r->has_near_sent = 1;
            }
            if (d <= target) {
                r->far_sent = p;
                r->d_far_sent = d;
                r->has_far_sent = 1;
            }
            if (want_over) {
                r->over_sent = p;
                r->d_over_sent = d;
                r->has_over_sent = 1;
            }
        }
        /* step back over one character, with the white space before it */
        while (p > limit) {
            size_t q = izde_utf8_prev((const char *)sn->s, p);
            if (!is_space(decode_at(sn, q, &n)))
                break;
            pending = 1;
            p = q;
        }
        if (p <= limit || d + 1u + (uint32_t)pending > bound)
            break;
        d += 1u + (uint32_t)pending;
        pending = 0;
        p = izde_utf8_prev((const char *)sn->s, p);
    }
}

/* Scans forward from from (a word boundary) up to limit, at most target code points, and
 * returns the furthest end that cuts no unit, preferring ends at white space. Only inside a
 * long run without white space (an address, a line of emoji) may it end elsewhere, and then
 * where no word and no grapheme is split; with lead set, a text that starts with such a run
 * and offers nothing better may end between any two graphemes. */
static size_t scan_fwd(const snip *sn, size_t from, size_t limit, size_t u, uint32_t target,
                       int lead, uint32_t *out_d)
{
    size_t word = from, sec = from, ter = from, p = from;
    uint32_t dw = 0, ds = 0, dt = 0, d = 0, run_from = 0;
    int pending = 0;
    size_t regional = 0; /* regional indicators since the last break: flags come in pairs */
    uint32_t rest = short_rest(sn, from, limit, 1);
    if (rest > target)
        target = rest;
    while (p < limit) {
        size_t n;
        uint32_t c = decode_at(sn, p, &n);
        if (is_space(c)) {
            pending = 1;
            p += n;
            continue;
        }
        if (d + 1u + (uint32_t)pending > target)
            break;
        if (pending)
            run_from = d + 1u;
        d += 1u + (uint32_t)pending;
        pending = 0;
        p += n;
        regional = is_regional(c) ? regional + 1 : 0;
        while (u < sn->nu && sn->units[u].b1 <= p)
            u++;
        if (inside_unit(sn, u, p))
            continue;
        if (p >= sn->len) {
            word = p;
            dw = d;
            break;
        }
        uint32_t next = decode_at(sn, p, &n);
        if (is_space(next)) {
            word = p;
            dw = d;
        } else if (!is_extend(next) && c != 0x200D && !(is_regional(next) && regional % 2 == 1)) {
            ter = p;
            dt = d;
            if (!(is_wordish(c) && is_wordish(next))) {
                sec = p;
                ds = d;
            }
        }
    }
    /* without an end at white space, the run being cut started at run_from */
    int long_run = d - run_from >= LONG_RUN;
    if (dw > 0) {
        *out_d = dw;
        return word;
    }
    if (ds > 0 && (long_run || lead)) {
        *out_d = ds;
        return sec;
    }
    if (dt > 0 && lead) {
        *out_d = dt;
        return ter;
    }
    *out_d = 0;
    return from;
}

/* Folded code points of s[a, b), counting at most cap. */
static size_t folded_len(const snip *sn, size_t a, size_t b, size_t cap)
{
    size_t d = 0;
    int pending = 0;
    while (a < b && d <= cap) {
        size_t n;
        if (is_space(decode_at(sn, a, &n))) {
            pending = 1;
        } else {
            d += 1u + (size_t)pending;
            pending = 0;
        }
        a += n;
    }
    return d + (size_t)pending;
}

static uint32_t clamp32(size_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Widens each core into a passage within the shared budget, then joins passages that touch. */
static size_t widen(snip *sn, frag *f, size_t nf, size_t length)
{
    size_t core = 0;
    for (size_t i = 0; i < nf; i++)
        core += sn->units[f[i].u1 - 1].c1 - sn->units[f[i].u0].c0;
    size_t fixed = core + SEP_CPS * (nf - 1);
    size_t share = length > fixed ? (length - fixed) / nf : 0;
    size_t few = share / 4 < FEW_WORDS ? share / 4 : FEW_WORDS;
    size_t near = share + 15 < SENTENCE_NEAR ? share + 15 : SENTENCE_NEAR;
    size_t left = 0;
    for (size_t i = 0; i < nf; i++) {
        size_t cb0 = sn->units[f[i].u0].b0, cb1 = sn->units[f[i].u1 - 1].b1;
        size_t right = i + 1 < nf ? sn->units[f[i + 1].u0].b0 : sn->len;
        size_t ubefore = f[i].u0 ? f[i].u0 - 1 : 0;
        start_choice sc;
        scan_back(sn, cb0, left, ubefore, clamp32(few), clamp32(near), 0, &sc);
        size_t before = 0;
        f[i].b0 = cb0;
        if (sc.has_near_sent) {
            f[i].b0 = sc.near_sent;
            before = sc.d_near_sent;
        } else if (sc.has_word) {
            f[i].b0 = sc.far_word;
            before = sc.d_far_word;
        }
        uint32_t after = 0, target = clamp32(share > before ? share - before : 0);
        f[i].b1 = scan_fwd(sn, cb1, right, f[i].u1, target, 0, &after);
        if (i == nf - 1 && f[i].b1 >= sn->last && after < target) {
            /* the text ends first: spend the rest before the match, from the sentence start
             * nearest that far back if one is close, else from a word start */
            uint32_t more = clamp32(before + (target - after));
            scan_back(sn, cb0, left, ubefore, more, 0, SENTENCE_NEAR, &sc);
            uint32_t short_by = sc.has_far_sent ? more - sc.d_far_sent : UINT32_MAX;
            uint32_t long_by = sc.has_over_sent ? sc.d_over_sent - more : UINT32_MAX;
            if (short_by <= SENTENCE_NEAR && short_by <= long_by)
                f[i].b0 = sc.far_sent;
            else if (long_by <= SENTENCE_NEAR)
                f[i].b0 = sc.over_sent;
            else if (sc.has_word)
                f[i].b0 = sc.far_word;
        }
        left = f[i].b1;
    }
    size_t w = 0;
    for (size_t i = 1; i < nf; i++) {
        if (f[i].b0 <= f[w].b1 || folded_len(sn, f[w].b1, f[i].b0, MERGE_GAP) <= MERGE_GAP) {
            f[w].b1 = f[i].b1;
            f[w].u1 = f[i].u1;
        } else {
            f[++w] = f[i];
        }
    }
    return nf ? w + 1 : 0;
}

/* ---- output ---------------------------------------------------------------------------- */

typedef struct emitter {
    izde_buf plain, html;
    izde_span *spans;
    size_t n_spans;
    uint32_t cp; /* code points in plain so far */
} emitter;

static void emit_both(emitter *e, const char *s, size_t n, uint32_t cps)
{
    izde_buf_append(&e->plain, s, n);
    izde_buf_append(&e->html, s, n);
    e->cp += cps;
}

/* Emits s[b0, b1) with white space folded, marking the units that fall in it (clipped).
 * *u is the first unit that may still be emitted. */
static void emit_range(const snip *sn, emitter *e, size_t b0, size_t b1, size_t *u)
{
    int open = 0, pending = 0, any = 0;
    size_t mark_end = 0;
    uint32_t mark_start = 0;
    for (size_t p = b0; p < b1;) {
        size_t n;
        uint32_t c = decode_at(sn, p, &n);
        if (is_space(c)) {
            pending = any;
            p += n;
            continue;
        }
        if (pending)
            emit_both(e, " ", 1, 1);
        pending = 0;
        while (!open && *u < sn->nu && sn->units[*u].b1 <= p)
            (*u)++;
        if (!open && *u < sn->nu && sn->units[*u].b0 <= p) {
            open = 1;
            mark_start = e->cp;
            mark_end = sn->units[*u].b1 < b1 ? sn->units[*u].b1 : b1;
            izde_buf_append(&e->html, "<mark>", 6);
        }
        izde_buf_append(&e->plain, (const char *)sn->s + p, n);
        buf_put_escaped(&e->html, (const char *)sn->s + p, n);
        e->cp++;
        any = 1;
        p += n;
        if (open && p >= mark_end) {
            izde_buf_append(&e->html, "</mark>", 7);
            e->spans[e->n_spans++] = (izde_span){mark_start, e->cp - mark_start};
            open = 0;
            (*u)++;
        }
    }
    if (open) {
        izde_buf_append(&e->html, "</mark>", 7);
        e->spans[e->n_spans++] = (izde_span){mark_start, e->cp - mark_start};
        (*u)++;
    }
}

static izde_status emit(const snip *sn, const frag *f, size_t nf, int whole, izde_snippet **out,
                        izde_error *err)
{
    emitter e = {0};
    izde_buf_append(&e.plain, "", 0);
    izde_buf_append(&e.html, "", 0);
    if (sn->nu) {
        e.spans = malloc(sn->nu * sizeof *e.spans);
        if (!e.spans)
            goto nomem;
    }
    size_t u = 0;
    for (size_t i = 0; i < nf; i++) {
        if (i > 0) {
            emit_both(&e, " ", 1, 1);
            emit_both(&e, ELLIPSIS, 3, 1);
            emit_both(&e, " ", 1, 1);
        } else if (!whole && f[i].b0 > sn->first) {
            emit_both(&e, ELLIPSIS, 3, 1);
            emit_both(&e, " ", 1, 1);
        }
        emit_range(sn, &e, f[i].b0, f[i].b1, &u);
    }
    if (!whole && nf && f[nf - 1].b1 < sn->last) {
        emit_both(&e, " ", 1, 1);
        emit_both(&e, ELLIPSIS, 3, 1);
    }
    if (e.plain.failed || e.html.failed)
        goto nomem;
    izde_snippet *s = malloc(sizeof *s);
    if (!s)
        goto nomem;
    s->plain = e.plain.data;
    s->html = e.html.data;
    s->spans = e.spans;
    s->n_spans = e.n_spans;
    if (!s->n_spans) {
        free(s->spans);
        s->spans = NULL;
    }
    *out = s;
    return IZDE_OK;
nomem:
    free(e.plain.data);
    free(e.html.data);
    free(e.spans);
    return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
}

/* ---- the entry point ------------------------------------------------------------------- */

static void find_bounds(snip *sn)
{
    size_t i = 0, n = 0;
    while (i < sn->len && is_space(decode_at(sn, i, &n)))
        i += n;
    sn->first = i;
    size_t j = sn->len;
    while (j > i) {
        size_t q = izde_utf8_prev((const char *)sn->s, j);
        if (!is_space(decode_at(sn, q, &n)))
            break;
        j = q;
    }
    sn->last = j;
}

izde_status izde_snippet_make(izde_text *t, const char *text, size_t len,
                              const izde_snippet_query *q, const izde_snippet_opts *opts,
                              izde_snippet **out, izde_error *err)
{
    if (!out)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "no output");
    *out = NULL;
    if (!t || (!text && len))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "no text handle or text");
    if (!text)
        text = "";
    size_t length = opts && opts->length ? opts->length : DEFAULT_LENGTH;
    size_t max_frags = opts && opts->max_fragments ? opts->max_fragments : DEFAULT_FRAGMENTS;
    if (max_frags > MAX_FRAGMENTS)
        max_frags = MAX_FRAGMENTS;
    int whole = opts && opts->whole;

    snip sn = {.s = (const unsigned char *)text, .len = len};
    frag frags[MAX_FRAGMENTS];
    size_t nf = 0;
    izde_status st;
    st = find_hits(&sn, t, q, whole ? 0 : length, err);
    if (st != IZDE_OK)
        goto out;
    if (!build_units(&sn, q)) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    find_bounds(&sn);

    if (whole || sn.first == sn.last) {
        frags[0] = (frag){0, sn.nu, sn.first, sn.last};
        nf = sn.first < sn.last;
    } else if (sn.nu == 0) {
        uint32_t used;
        frags[0] = (frag){0, 0, sn.first, 0};
        frags[0].b1 = scan_fwd(&sn, sn.first, sn.len, 0, clamp32(length), 1, &used);
        nf = 1;
    } else {
        place_units(&sn, length);
        sn.counts = malloc(sn.nterms * sizeof *sn.counts);
        sn.shown = malloc(sn.nterms);
        sn.used = malloc(sn.nu);
        if (!sn.counts || !sn.shown || !sn.used) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            goto out;
        }
        nf = plan_cores(&sn, length, max_frags, frags);
        nf = widen(&sn, frags, nf, length);
    }
    st = emit(&sn, frags, nf, whole, out, err);
out:
    free(sn.hits);
    free(sn.units);
    free(sn.counts);
    free(sn.shown);
    free(sn.used);
    return st;
}

void izde_snippet_free(izde_snippet *s)
{
    if (!s)
        return;
    free(s->plain);
    free(s->html);
    free(s->spans);
    free(s);
}
