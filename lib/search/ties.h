/* Private to lib/search: the order of results that weigh the same.
 *
 * Equal weights are ordered newest day first (undated last), then by id, as IZDE_SLOT_ORDER
 * sorts. Weights count as equal when they differ only in their last bits: each shard adds up
 * the words of a phrase of three or more in the order of its own term frequencies, so one
 * document, or two copies of a story, can weigh 1e-15 apart over shards and exactly the same
 * in one index (alternatives are passed as fixed trees: izde_xquery_combine). */
#ifndef IZDE_SEARCH_TIES_H
#define IZDE_SEARCH_TIES_H

#include <izde/error.h>
#include <izde/xapian.h>

/* Whether weights a and b are the same weight, up to the summing order. */
int search_same_weight(double a, double b);
/* The least weight that may count as the same as w (w >= 0), with a margin for rounding. */
double search_same_weight_least(double w);

/* End of the run of m's items (of n) that weigh what item `at` weighs. */
size_t search_tie_end(const izde_xmset *m, size_t at, size_t n);
/* m's items 0..n-1 written to items (room for n) in relevance order with the runs of equal
 * weights that start within the first `top` ordered by day and id. */
izde_status search_order_ties(const izde_xmset *m, size_t n, size_t top, size_t *items,
                              izde_error *err);

#endif
