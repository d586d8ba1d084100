/* Snippet generation on arbitrary text and query words. Input: byte 0 sets the options (the
 * target length in steps of 16 characters, 0 = default; bit 6: the whole text, as for
 * titles; bit 7: the query words also form one phrase), byte 1 the number of fragments, then
 * the query words up to the first newline ("word*" is a prefix), then the text. The matcher
 * is a small stand-in for the searcher's: a token matches the first query word equal to its
 * term (or, for a prefix, starting with it). Asserts: plain and html are valid UTF-8; html
 * holds one <mark> per span and no other markup; spans are in order, apart, and inside
 * plain; plain has no newline (white space is folded); and tokenizing only the runs that may
 * match (a start test given) gives the very same snippet and status, as does reading only
 * near the bytes where matching words begin (ranges, as the searcher finds them from the
 * index's positions). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <izde/snippet.h>
#include <izde/text.h>
#include <izde/utf8.h>

#include "fuzz_support.h"
#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TERMS 16

typedef struct terms {
    const char *term[MAX_TERMS];
    size_t len[MAX_TERMS];
    int prefix[MAX_TERMS];
    size_t n;
} terms;

static int match(void *ctx, const izde_token *tok)
{
    const terms *t = ctx;
    for (size_t i = 0; i < t->n; i++) {
        if (t->prefix[i] ? tok->term_len >= t->len[i] && !memcmp(tok->term, t->term[i], t->len[i])
                         : tok->term_len == t->len[i] && !memcmp(tok->term, t->term[i], t->len[i]))
            return (int)i;
    }
    return -1;
}

/* The start test for match: a word whose term's first byte can be told must share it with
 * a query word. */
static int may_start(void *ctx, const char *s, size_t len)
{
    const terms *t = ctx;
    int c = first_term_byte(s, len);
    for (size_t i = 0; c >= 0 && i < t->n; i++)
        if (t->len[i] == 0 || (unsigned char)t->term[i][0] == c)
            return 1;
    return c < 0;
}

/* The query words: the terms of the line's tokens (aliases left out), "*" after one making it
 * a prefix. Returns 0 when the line is not valid UTF-8. */
static int read_terms(const char *line, size_t len, terms *t)
{
    izde_tokens *query_tokens = fuzz_tokens();
    if (izde_text_tokenize(fuzz_text(), line, len, 0, query_tokens, NULL) != IZDE_OK)
        return 0;
    t->n = 0;
    for (size_t i = 0; i < izde_tokens_count(query_tokens) && t->n < MAX_TERMS; i++) {
        const izde_token *tk = izde_tokens_get(query_tokens, i);
        if (tk->flags & IZDE_TOKEN_ALIAS)
            continue;
        t->term[t->n] = tk->term;
        t->len[t->n] = tk->term_len;
        t->prefix[t->n] = tk->end < len && line[tk->end] == '*';
        t->n++;
    }
    return 1;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void check_snippet(const izde_snippet *sn)
{
    size_t plain_len = strlen(sn->plain), html_len = strlen(sn->html);
    FUZZ_CHECK(izde_utf8_valid(sn->plain, plain_len), "plain is not valid UTF-8");
    FUZZ_CHECK(izde_utf8_valid(sn->html, html_len), "html is not valid UTF-8");
    FUZZ_CHECK(count(sn->html, "<mark>") == sn->n_spans &&
                   count(sn->html, "</mark>") == sn->n_spans,
               "%zu spans in %s", sn->n_spans, sn->html);
    FUZZ_CHECK(count(sn->html, "<") == 2 * sn->n_spans && !strchr(sn->plain, '\n'),
               "markup or a newline left in %s", sn->html);
    size_t cps = izde_utf8_count(sn->plain, plain_len), end = 0;
    for (size_t i = 0; i < sn->n_spans; i++) {
        const izde_span *sp = &sn->spans[i];
        FUZZ_CHECK(sp->length > 0 && sp->start >= end && sp->start + sp->length <= cps,
                   "span %zu (%u, %u) after %zu in %zu code points", i, sp->start, sp->length, end,
                   cps);
        end = sp->start + sp->length;
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Ranges of one byte at the start of each word of body that match() accepts, in order: what
 * izde_snippet_query.ranges must cover. Caller frees; NULL with *n = 0 when there is none. */
static size_t *match_ranges(const char *body, size_t len, terms *t, size_t *n)
{
    izde_tokens *tk = izde_tokens_new();
    size_t *starts = NULL, *ranges = NULL;
    *n = 0;
    if (tk && izde_text_tokenize(fuzz_text(), body, len, 0, tk, NULL) == IZDE_OK) {
        size_t count = izde_tokens_count(tk);
        starts = malloc((count ? count : 1) * sizeof *starts);
        for (size_t i = 0; starts && i < count; i++)
            if (match(t, izde_tokens_get(tk, i)) >= 0)
                starts[(*n)++] = izde_tokens_get(tk, i)->start;
        ranges = starts ? malloc((2 * *n + 1) * sizeof *ranges) : NULL;
    }
    if (ranges) {
        qsort(starts, *n, sizeof *starts, cmp_size);
        for (size_t i = 0; i < *n; i++) {
            ranges[2 * i] = starts[i];
            ranges[2 * i + 1] = starts[i] + 1;
        }
    } else {
        *n = 0;
    }
    free(starts);
    izde_tokens_free(tk);
    return ranges;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *in = (const char *)data + 2;
    size_t len = size - 2;
    const char *nl = memchr(in, '\n', len);
    size_t qlen = nl ? (size_t)(nl - in) : 0;
    const char *body = nl ? nl + 1 : in;
    size_t body_len = len - (size_t)(body - in);
    terms t;
    if (!read_terms(in, qlen, &t))
        return 0;

    int phrase[MAX_TERMS];
    for (size_t i = 0; i < t.n; i++)
        phrase[i] = (int)i;
    const int *const phrases[] = {phrase};
    size_t phrase_lens[] = {t.n};
    izde_snippet_query q = {.match = match, .ctx = &t};
    if ((data[0] & 0x80) && t.n >= 2) {
        q.phrases = phrases;
        q.phrase_lens = phrase_lens;
        q.n_phrases = 1;
    }
    izde_snippet_opts opts = {.length = (size_t)(data[0] & 0x3F) * 16,
                              .max_fragments = data[1] & 7,
                              .whole = (data[0] >> 6) & 1};
    izde_snippet *sn = NULL;
    izde_error err;
    izde_status st = izde_snippet_make(fuzz_text(), body, body_len, &q, &opts, &sn, &err);
    FUZZ_CHECK((st == IZDE_OK) == izde_utf8_valid(body, body_len), "status %d: %s", (int)st,
               st ? err.msg : "");
    if (sn)
        check_snippet(sn);
    q.may_start = may_start;
    izde_snippet *windowed = NULL;
    izde_status st2 = izde_snippet_make(fuzz_text(), body, body_len, &q, &opts, &windowed, &err);
    FUZZ_CHECK(st2 == st, "status %d windowed, %d whole", (int)st2, (int)st);
    if (sn && windowed)
        FUZZ_CHECK(!strcmp(sn->html, windowed->html) && !strcmp(sn->plain, windowed->plain) &&
                       sn->n_spans == windowed->n_spans &&
                       (!sn->n_spans ||
                        !memcmp(sn->spans, windowed->spans, sn->n_spans * sizeof *sn->spans)),
                   "windowed %s, whole %s", windowed->html, sn->html);
    size_t n_ranges = 0;
    size_t *ranges = st == IZDE_OK ? match_ranges(body, body_len, &t, &n_ranges) : NULL;
    q.ranges = ranges ? ranges : (const size_t *)&n_ranges; /* none: nothing to read */
    q.n_ranges = n_ranges;
    izde_snippet *placed = NULL;
    izde_status st3 = izde_snippet_make(fuzz_text(), body, body_len, &q, &opts, &placed, &err);
    FUZZ_CHECK(st3 == st, "status %d with ranges, %d whole", (int)st3, (int)st);
    if (sn && placed)
        FUZZ_CHECK(!strcmp(sn->html, placed->html) && sn->n_spans == placed->n_spans,
                   "from %zu ranges %s, whole %s", n_ranges, placed->html, sn->html);
    izde_snippet_free(placed);
    free(ranges);
    izde_snippet_free(windowed);
    izde_snippet_free(sn);
    return 0;
}
