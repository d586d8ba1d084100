/* Private to lib/search: a result page without Xapian's per-candidate value reads.
 *
 * Ordering equal weights by date and id and collapsing copies of a story make Xapian read
 * values of every candidate it considers: about a quarter of a search at 200,000 entries.
 * The quick page asks Xapian for relevance order alone (ties by document number, nothing
 * collapsed) and orders the ties of its first items by date and id itself, reading only
 * their values. It is used only when it is provably the page the full search would give:
 * no item on or above the page has a copy in the index (its fingerprint term is found once:
 * known from the searcher's walk of those terms, copies.h, or asked per item), so collapsing
 * would change nothing. Otherwise the caller runs the full search. */
#ifndef IZDE_QUICK_PAGE_H
#define IZDE_QUICK_PAGE_H

#include "searcher_internal.h"

typedef struct quick_page {
    izde_xmset *mset; /* NULL: no quick page, run the full search */
    size_t *items;    /* the page: indices into mset, in order */
    size_t n;
    uint32_t total; /* matches in all, as izde_xmset_total */
} quick_page;

/* Fills *out for req; q and full are what the full search would run. When the full search
 * is needed, out->mset is NULL. The caller frees out->mset (izde_xmset_free) and out->items
 * (free). Returns the status of the search run. */
izde_status search_quick_page_search(izde_searcher *s, const izde_search_request *req,
                                     const izde_xquery *q, const izde_xsearch_opts *full,
                                     quick_page *out, izde_error *err);

#endif
