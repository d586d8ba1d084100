/* izde_search and its streaming and counting variants. */
#define _POSIX_C_SOURCE 200809L
#include "query_build.h"
#include "query_places.h"
#include "quick_page.h"
#include "ties.h"
#include "searcher_internal.h"

#include <izde/clock.h>
#include <izde/schema.h>

#include <izde/query.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIMIT 10000
#define EACH_PAGE 500
#define TOTAL_LOOKAHEAD 100
/* The recency boost is linear in years since 2000; this many years earn the full boost. */
#define RECENCY_SPAN_YEARS 30.0

static const int facet_slots[] = {IZDE_SLOT_YEAR, IZDE_SLOT_LANG, IZDE_SLOT_TAGS};
static const char *const facet_names[] = {"year", "lang", "tag"};

void izde_search_request_init(izde_search_request *req)
{
    memset(req, 0, sizeof *req);
    req->limit = 10;
    req->snippets = 1;
}

static izde_status check_request(const izde_search_request *req, izde_error *err)
{
    if (!req->query)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "empty query");
    if (req->lang && !izde_lang_valid(req->lang))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "unknown language '%s' (en, kk or ru)",
                              req->lang);
    if (req->limit > MAX_LIMIT)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "at most %d results per page", MAX_LIMIT);
    if (req->from_day && req->to_day && req->from_day > req->to_day)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "the from date is after the to date");
    return IZDE_OK;
}

/* The request's own filters (lang, dates, tags) restrict q without changing its ranking. */
static izde_xquery *add_filters(izde_searcher *s, const izde_search_request *req, izde_xquery *q,
                                izde_error *err)
{
    izde_xquery *parts[2 + 64 + 1];
    size_t n = 0;
    int ok = 1;
    parts[n++] = q;
    char term[IZDE_TERM_MAX + 8], lo[16], hi[16];
    if (req->lang) {
        int len = snprintf(term, sizeof term, "%s%s", IZDE_PREFIX_LANG, req->lang);
        ok = (parts[n++] = izde_xquery_term(term, (size_t)len, 1, 0, err)) != NULL;
    }
    if (ok && (req->from_day || req->to_day)) {
        snprintf(lo, sizeof lo, "%08d", (int)req->from_day);
        snprintf(hi, sizeof hi, "%08d", (int)req->to_day);
        ok = (parts[n++] = izde_xquery_value_range(IZDE_SLOT_DAY, req->from_day ? lo : NULL,
                                                   req->to_day ? hi : NULL, err)) != NULL;
    }
    for (size_t i = 0; ok && i < req->n_tags && i < 64; i++) {
        char *norm = NULL;
        size_t len = 0;
        ok = izde_text_normalize(s->text, req->tags[i], strlen(req->tags[i]), &norm, &len, err) ==
             IZDE_OK;
        if (ok) {
            int tl = snprintf(term, sizeof term, "%s%.*s", IZDE_PREFIX_TAG, (int)len, norm);
            ok = (parts[n++] = izde_xquery_term(term, (size_t)tl, 1, 0, err)) != NULL;
        }
        free(norm);
    }
    izde_xquery *out = NULL;
    if (ok)
        out = n == 1 ? q : izde_xquery_combine(IZDE_XOP_FILTER, parts, n, 0, err);
    for (size_t i = 1; i < n; i++)
        izde_xquery_free(parts[i]);
    if (out != q)
        izde_xquery_free(q);
    return out;
}

static izde_xquery *add_recency(const izde_search_request *req, izde_xquery *q, izde_error *err)
{
    if (req->recency <= 0)
        return q;
    izde_xquery *parts[2] = {
        q, izde_xquery_value_weight(IZDE_SLOT_RECENCY, req->recency / RECENCY_SPAN_YEARS, err)};
    izde_xquery *out = parts[1] ? izde_xquery_combine(IZDE_XOP_AND_MAYBE, parts, 2, 0, err) : NULL;
    izde_xquery_free(parts[0]);
    izde_xquery_free(parts[1]);
    return out;
}

static void set_options(const izde_searcher *s, const izde_search_request *req,
                        izde_xsearch_opts *o);

/* Parses and builds the whole query and the search options; b keeps what snippets need. */
static izde_status prepare(izde_searcher *s, const izde_search_request *req, qbuild *b,
                           izde_xquery **out_q, izde_xsearch_opts *o, izde_error *err)
{
    izde_qnode *root = NULL;
    izde_status st = check_request(req, err);
    if (st == IZDE_OK)
        st = izde_query_parse(req->query, strlen(req->query), req->strict, &root, err);
    if (st != IZDE_OK)
        return st;
    memset(b, 0, sizeof *b);
    b->text = s->text;
    b->stemmer = s->stemmer;
    b->reader = s->reader;
    b->translit = s->translit;
    b->synonyms = s->synonyms;
    b->beginnings = s->format >= IZDE_SCHEMA_BEGINNINGS;
    b->spelling_keys = s->format >= IZDE_SCHEMA_SPELLING_KEYS;
    b->exact_only = req->exact_only;
    b->no_kazakh = req->no_kazakh;
    b->query = req->query;
    izde_xquery *q = NULL;
    st = search_qbuild_run(b, root, &q, err);
    izde_qnode_free(root);
    if (st == IZDE_OK && !(q = add_filters(s, req, q, err)))
        st = err && err->code ? err->code : IZDE_ERR_NOMEM;
    if (st == IZDE_OK && !(q = add_recency(req, q, err)))
        st = err && err->code ? err->code : IZDE_ERR_NOMEM;
    if (st != IZDE_OK) {
        search_qbuild_fini(b);
        return st;
    }
    *out_q = q;
    set_options(s, req, o);
    return IZDE_OK;
}

static void set_options(const izde_searcher *s, const izde_search_request *req,
                        izde_xsearch_opts *o)
{
    izde_xsearch_opts_init(o);
    o->offset = req->offset;
    o->limit = req->limit;
    /* Ties (and date order) by date, newest first, then by id: pages never overlap. */
    o->key_slots[0] = IZDE_SLOT_DAY;
    o->key_desc[0] = 1;
    o->key_slots[1] = IZDE_SLOT_ID;
    o->key_desc[1] = 0;
    o->sort_by_key_first = req->sort == IZDE_SORT_DATE;
    if (s->format >= IZDE_SCHEMA_FACET_KEY)
        o->order_slot = IZDE_SLOT_ORDER; /* the same order in one value */
    o->collapse_slot = req->no_collapse ? -1 : IZDE_SLOT_FINGERPRINT;
    o->unique_slot = IZDE_SLOT_ID;
    if (req->facets && s->format >= IZDE_SCHEMA_FACET_KEY) {
        o->facet_key_slot = IZDE_SLOT_FACETS; /* fields in facet_names' order */
        o->facet_key_facets = 3;
    } else if (req->facets) {
        for (int i = 0; i < 3; i++)
            o->facet_slots[i] = facet_slots[i];
    }
}

/* Where the query's words lie in the hit's body, when it is long and has waypoints. */
static izde_status find_places(izde_searcher *s, const qbuild *b, const izde_xmset *m, size_t i,
                               size_t body_len, query_places *out, izde_error *err)
{
    memset(out, 0, sizeof *out);
    if (body_len <= IZDE_WAYPOINT_MIN_BYTES)
        return IZDE_OK;
    char *v = NULL;
    size_t len = 0;
    izde_waypoints w = {0, NULL, 0};
    izde_status st = izde_xmset_value(m, i, IZDE_SLOT_WAYPOINTS, &v, &len, err);
    if (st == IZDE_OK && len > 0 && store_waypoints_decode(v, len, &w))
        st = search_query_places(b, s->reader, izde_xmset_docid(m, i), &w, body_len, out, err);
    free(v);
    free(w.offsets);
    return st;
}

static izde_status make_snippets(izde_searcher *s, const qbuild *b, const izde_search_request *req,
                                 const izde_xmset *ms, size_t i, izde_hit *h, izde_error *err)
{
    qmatch m = {b, h->entry->lang, 0};
    size_t body_len = strlen(h->entry->body);
    query_places at;
    izde_status st = find_places(s, b, ms, i, body_len, &at, err);
    if (st != IZDE_OK)
        return st;
    izde_snippet_query sq =
        search_qbuild_snippet_query(b, &m, at.known ? at.held : search_qbuild_shown_terms(b));
    sq.ranges = at.ranges; /* NULL when the places are unknown */
    sq.n_ranges = at.n_ranges;
    sq.text_valid = 1; /* izde_entry_decode_with checked it */
    izde_snippet_opts body = {req->snippet_length ? req->snippet_length : 200, 3, 0};
    izde_snippet_opts whole = {0, 1, 1};
    st = izde_snippet_make(s->text, h->entry->body, body_len, &sq, &body, &h->snippet, err);
    free(at.ranges);
    sq.ranges = NULL; /* they are the body's; the title is read whole */
    if (st == IZDE_OK && h->entry->title)
        st = izde_snippet_make(s->text, h->entry->title, strlen(h->entry->title), &sq, &whole,
                               &h->title, err);
    return st;
}

static izde_status fill_hit(izde_searcher *s, const qbuild *b, const izde_search_request *req,
                            const izde_xmset *m, size_t i, izde_hit *h, izde_error *err)
{
    char *data = NULL;
    size_t len = 0;
    izde_status st = izde_xmset_data(m, i, &data, &len, err);
    if (st == IZDE_OK)
        st = izde_entry_decode_with(s->decoder, data, len, &h->entry, err);
    free(data);
    if (st != IZDE_OK)
        return st;
    h->score = izde_xmset_weight(m, i);
    h->duplicates = izde_xmset_collapsed(m, i);
    return req->snippets ? make_snippets(s, b, req, m, i, h, err) : IZDE_OK;
}

static void free_hit(izde_hit *h)
{
    izde_entry_free(h->entry);
    izde_snippet_free(h->snippet);
    izde_snippet_free(h->title);
    memset(h, 0, sizeof *h);
}

static izde_status fill_facets(const izde_xmset *m, izde_results *r, izde_error *err)
{
    for (int f = 0; f < 3; f++) {
        size_t n = izde_xmset_facet_size(m, f);
        izde_facet *facet = &r->facets[r->n_facets++];
        facet->name = facet_names[f];
        facet->values = calloc(n ? n : 1, sizeof *facet->values);
        if (!facet->values)
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < n; k++) {
            uint32_t count = 0;
            const char *v = izde_xmset_facet_value(m, f, k, &count);
            if (!(facet->values[k].value = strdup(v)))
                return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            facet->values[k].count = count;
            facet->n_values++;
        }
    }
    return IZDE_OK;
}

/* The copies of each hit's story among the matches, counted exactly: Xapian's collapse count
 * is a lower bound when it stops early, and over remote shards it misses a copy a shard did
 * not send, so one index and its shards could differ. One more search, restricted to the
 * page's stories, counts their matches by collapse key. */
static izde_status count_copies(izde_searcher *s, const izde_xquery *q, const izde_xsearch_opts *o,
                                const izde_xmset *m, const size_t *items, izde_results *r,
                                izde_error *err)
{
    izde_xquery **parts = calloc(r->n_hits + 1, sizeof *parts);
    char **keys = calloc(r->n_hits + 1, sizeof *keys);
    size_t n = 0;
    izde_status st = parts && keys ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == IZDE_OK && i < r->n_hits; i++) {
        size_t len = 0;
        char term[64];
        st = izde_xmset_collapse_key(m, items[i], &keys[i], &len, err);
        if (st != IZDE_OK || len == 0 || len > 32)
            continue;
        size_t tl = store_schema_term(term, sizeof term, IZDE_PREFIX_FINGERPRINT, keys[i], len);
        if (!(parts[1 + n] = izde_xquery_term(term, tl, 1, 0, err)))
            st = err && err->code ? err->code : IZDE_ERR_NOMEM;
        else
            n++;
    }
    izde_xquery *stories = NULL, *both = NULL;
    izde_xmset *counted = NULL;
    if (st == IZDE_OK && n > 0 &&
        !(stories = izde_xquery_combine(IZDE_XOP_OR, parts + 1, n, 0, err)))
        st = err && err->code ? err->code : IZDE_ERR_NOMEM;
    izde_xquery *pair[2] = {(izde_xquery *)q, stories};
    if (st == IZDE_OK && n > 0 && !(both = izde_xquery_combine(IZDE_XOP_FILTER, pair, 2, 0, err)))
        st = err && err->code ? err->code : IZDE_ERR_NOMEM;
    izde_xsearch_opts co;
    izde_xsearch_opts_init(&co);
    co.limit = 1; /* with none Xapian may estimate without matching */
    co.count_slot = o->collapse_slot;
    co.bm25_k1 = o->bm25_k1;
    co.bm25_b = o->bm25_b;
    if (st == IZDE_OK && n > 0)
        st = izde_xreader_doccount(s->reader, &co.check_at_least, err);
    if (st == IZDE_OK && n > 0)
        st = izde_xreader_search(s->reader, both, &co, &counted, err);
    for (size_t i = 0; st == IZDE_OK && n > 0 && i < r->n_hits; i++) {
        uint32_t c =
            keys[i] && keys[i][0] ? izde_xmset_value_count(counted, keys[i], strlen(keys[i])) : 0;
        if (c > 0)
            r->hits[i].duplicates = c - 1;
    }
    izde_xmset_free(counted);
    izde_xquery_free(both);
    izde_xquery_free(stories);
    for (size_t i = 0; parts && i < n; i++)
        izde_xquery_free(parts[1 + i]);
    for (size_t i = 0; keys && i < r->n_hits; i++)
        free(keys[i]);
    free(parts);
    free(keys);
    return st;
}

/* "Did you mean": the query with each word that is not in the index replaced by the spelling
 * dictionary's suggestion. NULL when there is nothing to suggest. */
static char *suggestion_of(const char *query, const qbuild *b)
{
    if (b->n_misspelt == 0)
        return NULL;
    size_t qlen = strlen(query), cap = qlen + 1;
    for (size_t i = 0; i < b->n_misspelt; i++)
        cap += strlen(b->misspelt[i].suggestion);
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t at = 0, len = 0;
    for (size_t i = 0; i < b->n_misspelt; i++) {
        const qmisspelt *m = &b->misspelt[i];
        if (m->offset < at)
            continue;
        memcpy(out + len, query + at, m->offset - at);
        len += m->offset - at;
        size_t sl = strlen(m->suggestion);
        memcpy(out + len, m->suggestion, sl);
        len += sl;
        at = m->offset + m->len;
    }
    memcpy(out + len, query + at, qlen - at);
    out[len + qlen - at] = '\0';
    return out;
}

izde_status izde_search(izde_searcher *s, const izde_search_request *req,
                        izde_results **out_results, izde_error *err)
{
    double t0 = izde_clock_ms();
    qbuild b;
    izde_xquery *q = NULL;
    izde_xmset *m = NULL;
    izde_xsearch_opts o;
    izde_status st = prepare(s, req, &b, &q, &o, err);
    if (st != IZDE_OK)
        return st;
    /* Facets need every match; otherwise looking a little past the page keeps the total's
     * estimate honest at a bounded cost. */
    uint32_t docs = 0;
    if (req->facets)
        st = izde_xreader_doccount(s->reader, &docs, err);
    o.check_at_least = req->facets ? docs : req->offset + req->limit + TOTAL_LOOKAHEAD;
    quick_page quick = {0};
    izde_results *r = NULL;
    if (st == IZDE_OK && !(r = calloc(1, sizeof *r)))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st != IZDE_OK) {
        goto out;
    }
    st = search_quick_page_search(s, req, q, &o, &quick, err);
    m = quick.mset;
    if (st == IZDE_OK && !m)
        st = izde_xreader_search(s->reader, q, &o, &m, err);
    if (st != IZDE_OK)
        goto out;
    size_t n = m == quick.mset ? quick.n : izde_xmset_size(m);
    size_t *items = quick.items;
    if (!items) { /* the full search: Xapian ordered equal weights only when exactly equal */
        items = malloc((n ? n : 1) * sizeof *items);
        st = items ? search_order_ties(m, n, o.sort_by_key_first ? 0 : n, items, err)
                   : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        quick.items = items;
        if (st != IZDE_OK)
            goto out;
    }
    r->query = strdup(req->query);
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r->query || !r->hits) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && st == IZDE_OK; i++) {
        st = fill_hit(s, &b, req, m, items[i], &r->hits[i], err);
        r->n_hits++;
    }
    if (st == IZDE_OK && m != quick.mset && o.collapse_slot >= 0)
        st = count_copies(s, q, &o, m, items, r, err);
    if (st == IZDE_OK && req->facets)
        st = fill_facets(m, r, err);
    r->total = m == quick.mset ? quick.total : izde_xmset_total(m);
    r->offset = req->offset;
    r->limit = req->limit;
    if (st == IZDE_OK)
        st = search_qbuild_spell(&b, m, err);
    if (st == IZDE_OK) /* the words are checked only then */
        r->suggestion = suggestion_of(req->query, &b);
    r->took_ms = izde_clock_ms() - t0;
out:
    free(quick.items);
    izde_xmset_free(m);
    izde_xquery_free(q);
    search_qbuild_fini(&b);
    if (st != IZDE_OK) {
        izde_results_free(r);
        return st;
    }
    *out_results = r;
    return IZDE_OK;
}

void izde_results_free(izde_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_hits; i++)
        free_hit(&r->hits[i]);
    for (size_t f = 0; f < r->n_facets; f++) {
        for (size_t k = 0; k < r->facets[f].n_values; k++)
            free(r->facets[f].values[k].value);
        free(r->facets[f].values);
    }
    free(r->hits);
    free(r->query);
    free(r->suggestion);
    free(r);
}

izde_status izde_search_count(izde_searcher *s, const izde_search_request *req, uint32_t *out_count,
                              izde_error *err)
{
    qbuild b;
    izde_xquery *q = NULL;
    izde_xmset *m = NULL;
    izde_xsearch_opts o;
    izde_status st = prepare(s, req, &b, &q, &o, err);
    if (st != IZDE_OK)
        return st;
    o.offset = 0;
    o.limit = 1; /* with no items Xapian returns an estimate without matching */
    st = izde_xreader_doccount(s->reader, &o.check_at_least, err);
    if (st == IZDE_OK)
        st = izde_xreader_search(s->reader, q, &o, &m, err);
    if (st == IZDE_OK)
        *out_count = izde_xmset_total(m);
    izde_xmset_free(m);
    izde_xquery_free(q);
    search_qbuild_fini(&b);
    return st;
}

izde_status izde_search_each(izde_searcher *s, const izde_search_request *req, izde_hit_fn fn,
                             void *ctx, izde_error *err)
{
    qbuild b;
    izde_xquery *q = NULL;
    izde_xsearch_opts o;
    izde_status st = prepare(s, req, &b, &q, &o, err);
    if (st != IZDE_OK)
        return st;
    o.limit = EACH_PAGE;
    int stop = 0;
    for (o.offset = 0; st == IZDE_OK && !stop; o.offset += EACH_PAGE) {
        izde_xmset *m = NULL;
        st = izde_xreader_search(s->reader, q, &o, &m, err);
        size_t n = st == IZDE_OK ? izde_xmset_size(m) : 0;
        for (size_t i = 0; i < n && st == IZDE_OK && !stop; i++) {
            izde_hit h = {0};
            st = fill_hit(s, &b, req, m, i, &h, err);
            if (st == IZDE_OK)
                stop = fn(ctx, &h);
            free_hit(&h);
        }
        izde_xmset_free(m);
        if (n < EACH_PAGE)
            break;
    }
    izde_xquery_free(q);
    search_qbuild_fini(&b);
    return st;
}
