/* Completions for a search box: the last word typed, completed from the index's vocabulary. */
#define _POSIX_C_SOURCE 200809L
#include "searcher_internal.h"

#include <stdlib.h>
#include <string.h>

/* How many vocabulary terms to look at for one prefix: bounds the cost of a 1-letter prefix
 * on a large index while still finding the frequent words. */
#define SCAN_LIMIT 4000

typedef struct candidate {
    char *term;
    uint32_t freq;
} candidate;

typedef struct collect {
    candidate *best;
    size_t n, max;
    int failed;
} collect;

/* Keeps the `max` most frequent words (plain words only: no numbers-only or addresses). */
static int keep_term(void *ctx, const char *term, size_t len, uint32_t freq)
{
    collect *c = ctx;
    if (memchr(term, '@', len) || memchr(term, '.', len))
        return 0;
    size_t at = c->n;
    while (at > 0 && c->best[at - 1].freq < freq)
        at--;
    if (at >= c->max)
        return 0;
    char *copy = strndup(term, len);
    if (!copy) {
        c->failed = 1;
        return 1;
    }
    if (c->n == c->max)
        free(c->best[--c->n].term);
    memmove(&c->best[at + 1], &c->best[at], (c->n - at) * sizeof *c->best);
    c->best[at] = (candidate){copy, freq};
    c->n++;
    return 0;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

izde_status izde_suggest(izde_searcher *s, const char *text, size_t len, size_t max,
                         char ***out_items, size_t *out_n, izde_error *err)
{
    *out_items = NULL;
    *out_n = 0;
    size_t start = len;
    while (start > 0 && !is_space((unsigned char)text[start - 1]))
        start--;
    if (start == len || max == 0)
        return IZDE_OK;
    char *prefix = NULL;
    size_t plen = 0;
    izde_status st = izde_text_normalize(s->text, text + start, len - start, &prefix, &plen, err);
    if (st != IZDE_OK)
        return st;
    collect c = {calloc(max, sizeof(candidate)), 0, max, 0};
    if (!c.best)
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    /* Vocabulary words start with a lower-case letter or digit; prefixed terms (Q, Z, ...)
     * start with an upper-case ASCII letter, so they never match a normalised prefix. */
    if (st == IZDE_OK && plen > 0)
        st = izde_xreader_terms(s->reader, prefix, plen, SCAN_LIMIT, keep_term, &c, err);
    if (st == IZDE_OK && c.failed)
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    char **items = st == IZDE_OK ? calloc(c.n ? c.n : 1, sizeof *items) : NULL;
    if (st == IZDE_OK && !items)
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == IZDE_OK && i < c.n; i++) {
        size_t tl = strlen(c.best[i].term);
        if (!(items[i] = malloc(start + tl + 1))) {
            izde_strings_free(items, i);
            items = NULL;
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            break;
        }
        memcpy(items[i], text, start); /* the words before the last are kept as typed */
        memcpy(items[i] + start, c.best[i].term, tl + 1);
    }
    if (st == IZDE_OK) {
        *out_items = items;
        *out_n = c.n;
    }
    for (size_t i = 0; i < c.n; i++)
        free(c.best[i].term);
    free(c.best);
    free(prefix);
    return st;
}

void izde_strings_free(char **items, size_t n)
{
    if (!items)
        return;
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}
