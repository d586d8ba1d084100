/* The order of results that weigh the same: see ties.h. */
#define _POSIX_C_SOURCE 200809L
#include "ties.h"

#include <izde/schema.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Summing a few dozen parts in another order moves a double by a few ulps; distinct
 * documents almost never weigh within this of each other. */
#define SAME_WEIGHT_RELATIVE 1e-12

int search_same_weight(double a, double b)
{
    return fabs(a - b) <= SAME_WEIGHT_RELATIVE * fmax(fabs(a), fabs(b));
}

double search_same_weight_least(double w)
{
    return w - 2 * SAME_WEIGHT_RELATIVE * w;
}

typedef struct tie_key {
    size_t item;
    char *day, *id; /* "" when unset */
} tie_key;

/* The full search's order for equal weights: newest day first (undated last), then id. */
static int by_day_then_id(const void *pa, const void *pb)
{
    const tie_key *a = pa, *b = pb;
    int c = strcmp(b->day, a->day);
    return c ? c : strcmp(a->id, b->id);
}

/* Orders items[lo, hi), which weigh the same, by by_day_then_id. */
static izde_status order_ties(const izde_xmset *m, size_t *items, size_t lo, size_t hi,
                              izde_error *err)
{
    size_t n = hi - lo;
    tie_key *keys = calloc(n, sizeof *keys);
    izde_status st = keys ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == IZDE_OK && i < n; i++) {
        keys[i].item = items[lo + i];
        st = izde_xmset_value(m, keys[i].item, IZDE_SLOT_DAY, &keys[i].day, NULL, err);
        if (st == IZDE_OK)
            st = izde_xmset_value(m, keys[i].item, IZDE_SLOT_ID, &keys[i].id, NULL, err);
    }
    if (st == IZDE_OK)
        qsort(keys, n, sizeof *keys, by_day_then_id);
    for (size_t i = 0; keys && i < n; i++) {
        items[lo + i] = keys[i].item;
        free(keys[i].day);
        free(keys[i].id);
    }
    free(keys);
    return st;
}

/* End of the run of items weighing what item `at` weighs. */
size_t search_tie_end(const izde_xmset *m, size_t at, size_t n)
{
    double w = izde_xmset_weight(m, at);
    size_t e = at + 1;
    while (e < n && search_same_weight(izde_xmset_weight(m, e), w))
        e++;
    return e;
}

/* See ties.h. */
izde_status search_order_ties(const izde_xmset *m, size_t n, size_t top, size_t *items,
                              izde_error *err)
{
    for (size_t i = 0; i < n; i++)
        items[i] = i;
    for (size_t lo = 0; lo < top;) {
        size_t hi = search_tie_end(m, lo, n);
        izde_status st = hi - lo > 1 ? order_ties(m, items, lo, hi, err) : IZDE_OK;
        if (st != IZDE_OK)
            return st;
        lo = hi;
    }
    return IZDE_OK;
}
