/* The quick result page: see quick_page.h. */
#define _POSIX_C_SOURCE 200809L
#include "quick_page.h"
#include "ties.h"

#include <izde/schema.h>

#include <stdlib.h>
#include <string.h>

/* Deeper pages take the full search: every item above the page is checked for copies. */
#define QUICK_MAX_DEPTH 100
/* Items fetched past the page: one shows whether a tie crosses its end. More would cost:
 * Xapian's threshold for the last place drops (a fifth slower on phrases of frequent words
 * with ten). */
#define QUICK_TIE_SLACK 1
/* A tie still open after this many items: the full search is cheaper. */
#define QUICK_MAX_ITEMS 400

/* Whether item's story is the only copy in the index: its fingerprint term is found once.
 * An index written before those terms existed has none, and counts as having copies. */
static izde_status story_is_unique(izde_searcher *s, const izde_xmset *m, size_t item,
                                   int *out_unique, izde_error *err)
{
    char *fp = NULL, term[64];
    size_t len = 0;
    uint32_t freq = 0;
    *out_unique = 0;
    izde_status st = izde_xmset_value(m, item, IZDE_SLOT_FINGERPRINT, &fp, &len, err);
    if (st != IZDE_OK)
        return st;
    size_t n = store_schema_term(term, sizeof term, IZDE_PREFIX_FINGERPRINT, fp, len);
    free(fp);
    if (len > 0)
        st = izde_xreader_termfreq(s->reader, term, n, &freq, err);
    *out_unique = st == IZDE_OK && freq == 1;
    return st;
}

/* Whether item's story is the only copy: from the walk of copies.h when it holds, else
 * asked of the index for this item alone. */
static izde_status has_no_copy(izde_searcher *s, const izde_xmset *m, size_t item, int *out_unique,
                               izde_error *err)
{
    if (!s->copies.known)
        return story_is_unique(s, m, item, out_unique, err);
    *out_unique = !search_copies_has(&s->copies, izde_xmset_docid(m, item));
    return IZDE_OK;
}

/* Relevance order, no facets, a page within the first QUICK_MAX_DEPTH results. */
static int quick_page_applies(const izde_search_request *req)
{
    return !req->facets && req->sort != IZDE_SORT_DATE && req->limit > 0 &&
           (size_t)req->offset + req->limit <= QUICK_MAX_DEPTH;
}

/* Relevance order alone: no sort keys, no collapsing, from the first item. */
static izde_xsearch_opts relevance_only(const izde_xsearch_opts *full, size_t limit)
{
    izde_xsearch_opts o = *full;
    for (int i = 0; i < 3; i++)
        o.key_slots[i] = -1;
    o.order_slot = -1;
    o.collapse_slot = -1;
    o.offset = 0;
    o.limit = (uint32_t)limit;
    return o;
}

/* q's matches by relevance, fetched until the tie at the page's end (if any) is seen whole;
 * *out_total is the first search's count of matches. *out is NULL when that tie runs past
 * QUICK_MAX_ITEMS.
 *
 * When the tie crosses the page's end, the second search asks only for what weighs at least
 * the tie: Xapian then skips everything lighter, where a search for more items would rank
 * them all again (a prefix query at 200,000 entries: 2.1-2.6 ms of CPU before, 1.4-1.8 after). */
static izde_status fetch(izde_searcher *s, const izde_xquery *q, const izde_xsearch_opts *full,
                         size_t page_end, izde_xmset **out, uint32_t *out_total, izde_error *err)
{
    *out = NULL;
    izde_xsearch_opts o = relevance_only(full, page_end + QUICK_TIE_SLACK);
    for (int tries = 0; tries < 2; tries++) {
        izde_xmset *m = NULL;
        izde_status st = izde_xreader_search(s->reader, q, &o, &m, err);
        if (st != IZDE_OK)
            return st;
        size_t n = izde_xmset_size(m);
        if (tries == 0)
            *out_total = izde_xmset_total(m);
        if (n < o.limit || search_tie_end(m, page_end - 1, n) < n) {
            *out = m;
            return IZDE_OK;
        }
        o.min_weight = search_same_weight_least(izde_xmset_weight(m, page_end - 1));
        o.limit = QUICK_MAX_ITEMS;
        o.check_at_least = 0; /* the total is the first search's */
        izde_xmset_free(m);
    }
    return IZDE_OK;
}

izde_status search_quick_page_search(izde_searcher *s, const izde_search_request *req,
                                     const izde_xquery *q, const izde_xsearch_opts *full,
                                     quick_page *out, izde_error *err)
{
    memset(out, 0, sizeof *out);
    /* Over shards its checks (a term frequency per item) each cost a round trip per shard:
     * more than the full search they would save. */
    if (!quick_page_applies(req) || s->n_shards > 0)
        return IZDE_OK;
    size_t page_end = (size_t)req->offset + req->limit;
    izde_xmset *m = NULL;
    uint32_t total = 0;
    izde_status st = fetch(s, q, full, page_end, &m, &total, err);
    if (st != IZDE_OK || !m)
        return st;
    size_t n = izde_xmset_size(m);
    size_t top = n < page_end ? n : page_end;
    size_t *items = malloc((n ? n : 1) * sizeof *items);
    st = items ? search_order_ties(m, n, top, items, err)
               : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    int quick = 1;
    if (st == IZDE_OK && full->collapse_slot >= 0 && top > 0)
        st = search_copies_update(&s->copies, s->reader, err);
    for (size_t i = 0; st == IZDE_OK && quick && full->collapse_slot >= 0 && i < top; i++)
        st = has_no_copy(s, m, items[i], &quick, err);
    if (st != IZDE_OK || !quick) {
        free(items);
        izde_xmset_free(m);
        return st;
    }
    out->mset = m;
    out->n = top > req->offset ? top - req->offset : 0;
    memmove(items, items + req->offset, out->n * sizeof *items);
    out->items = items;
    out->total = total;
    return IZDE_OK;
}
