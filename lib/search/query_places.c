/* Where a hit's matches lie: the query's words by their positions in one document, turned into
 * bytes of its body by the body's waypoints (izde/waypoints.h), so a long article's snippet
 * reads only the parts that hold a match. */
#include "query_places.h"

#include <izde/schema.h>

#include <stdlib.h>
#include <string.h>

typedef struct places {
    izde_xreader *r;
    uint32_t docid;
    const izde_waypoints *w;
    unsigned char *marks; /* per waypoint interval: a match begins in it */
    int held;             /* the current query word has a match in the body */
    izde_status st;
    izde_error *err;
} places;

static int note_position(void *ctx, uint32_t pos)
{
    places *p = ctx;
    if (pos < p->w->first)
        return 0; /* a title word */
    p->marks[store_waypoints_interval(p->w, pos)] = 1;
    p->held = 1;
    return 0;
}

/* Marks where prefix + each of the n NUL-separated words at list occur. */
static void mark_terms(places *p, const char *prefix, const char *list, size_t n)
{
    char term[IZDE_TERM_MAX + 16];
    for (size_t i = 0; i < n && p->st == IZDE_OK; i++, list += strlen(list) + 1) {
        size_t len = store_schema_term(term, sizeof term, prefix, list, strlen(list));
        if (list[0])
            p->st = izde_xreader_positions(p->r, p->docid, term, len, note_position, p, p->err);
    }
}

static void mark_stem(void *ctx, const char *stem, size_t len)
{
    char one[IZDE_TERM_MAX + 8];
    if (len < sizeof one) {
        memcpy(one, stem, len);
        one[len] = '\0';
        mark_terms(ctx, IZDE_PREFIX_STEM, one, 1);
    }
}

/* Marks every index term search_qbuild_match stands for when it answers t: a word it matches
 * was indexed under t's exact form or another form it stands for, one of its stems (with a
 * Russian stem's other spellings, paradigm and verb stems, and English base words' stems) or one
 * of its folded stems. */
static void mark_term(places *p, const qterm *t)
{
    mark_terms(p, "", t->exact, 1);
    mark_terms(p, "", t->other_forms, t->n_other_forms);
    for (int l = IZDE_STEM_NONE; l < IZDE_STEM_KK; l++)
        mark_terms(p, IZDE_PREFIX_STEM, t->stem[l], 1);
    mark_terms(p, IZDE_PREFIX_STEM, t->en_related, t->n_en_related);
    mark_terms(p, IZDE_PREFIX_STEM, t->ru_paradigm, 1);
    mark_terms(p, IZDE_PREFIX_STEM, t->ru_verb, t->n_ru_verb);
    izde_stem_ru_fleeting(t->stem[IZDE_STEM_RU], strlen(t->stem[IZDE_STEM_RU]), mark_stem, p);
    if (t->n_kk_stems)
        mark_terms(p, IZDE_PREFIX_KK_STEM, t->kk_stems, t->n_kk_stems);
    else
        mark_terms(p, IZDE_PREFIX_KK_STEM, t->stem[IZDE_STEM_KK], 1);
    mark_terms(p, IZDE_PREFIX_FOLDED, t->folded, t->n_folded);
}

/* The marked intervals as byte ranges, neighbours joined. Returns how many, or -1 on out of
 * memory. */
static long make_ranges(const places *p, size_t body_len, size_t **out)
{
    size_t n = 0, *ranges = malloc(2 * (p->w->n + 1) * sizeof *ranges);
    if (!ranges)
        return -1;
    for (size_t j = 0; j < p->w->n; j++) {
        if (!p->marks[j])
            continue;
        size_t k = j;
        while (k + 1 < p->w->n && p->marks[k + 1])
            k++;
        store_waypoints_span(p->w, j, k, body_len, &ranges[2 * n], &ranges[2 * n + 1]);
        n++;
        j = k;
    }
    *out = ranges;
    return (long)n;
}

izde_status search_query_places(const qbuild *b, izde_xreader *r, uint32_t docid,
                                const izde_waypoints *w, size_t body_len, query_places *out,
                                izde_error *err)
{
    memset(out, 0, sizeof *out);
    if (w->n == 0 || !izde_xreader_local(r))
        return IZDE_OK;
    for (size_t i = 0; i < b->n_terms; i++)
        if (b->terms[i].prefix && !b->terms[i].excluded)
            return IZDE_OK; /* its words are not listed: read the text */
    places p = {r, docid, w, calloc(w->n, 1), 0, IZDE_OK, err};
    if (!p.marks)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < b->n_terms && p.st == IZDE_OK; i++) {
        if (b->terms[i].excluded)
            continue;
        p.held = 0;
        mark_term(&p, &b->terms[i]);
        out->held += p.held;
    }
    long n = p.st == IZDE_OK ? make_ranges(&p, body_len, &out->ranges) : 0;
    free(p.marks);
    if (p.st != IZDE_OK)
        return p.st;
    if (n < 0)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    out->n_ranges = (size_t)n;
    out->known = 1;
    return IZDE_OK;
}
