/* Documents with copies, from one walk of the fingerprint terms: see copies.h. */
#define _POSIX_C_SOURCE 200809L
#include "copies.h"

#include <izde/array.h>
#include <izde/clock.h>
#include <izde/schema.h>

#include <stdlib.h>
#include <string.h>

/* After commits, the walk runs again at most this often; the per-item check covers the gap. */
#define COPIES_RESCAN_MS 60000.0

typedef struct walk {
    izde_xreader *r;
    search_copies *c;
    uint64_t postings; /* documents counted over every fingerprint term */
    izde_status st;
    izde_error *err;
} walk;

static int add_docid(void *ctx, uint32_t docid)
{
    walk *w = ctx;
    search_copies *c = w->c;
    if (!izde_array_reserve(&c->docids, &c->cap, c->n + 1, sizeof *c->docids)) {
        w->st = izde_error_set(w->err, IZDE_ERR_NOMEM, "out of memory");
        return 1;
    }
    c->docids[c->n++] = docid;
    return 0;
}

/* Each fingerprint term: counted, and its documents kept when it is in more than one. */
static int on_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    walk *w = ctx;
    w->postings += termfreq;
    if (termfreq > 1) {
        izde_status st = izde_xreader_postings(w->r, term, len, add_docid, w, w->err);
        if (w->st == IZDE_OK)
            w->st = st;
    }
    return w->st != IZDE_OK;
}

static int by_docid(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

izde_status search_copies_update(search_copies *c, izde_xreader *r, izde_error *err)
{
    if (c->known || c->unusable)
        return IZDE_OK;
    double now = izde_clock_ms();
    if (c->scanned_ms > 0 && now - c->scanned_ms < COPIES_RESCAN_MS)
        return IZDE_OK;
    c->scanned_ms = now;
    c->n = 0;
    uint32_t docs = 0;
    walk w = {r, c, 0, IZDE_OK, err};
    izde_status st = izde_xreader_doccount_stored(r, &docs, err); /* as termfreq counts */
    if (st == IZDE_OK)
        st = izde_xreader_terms(r, IZDE_PREFIX_FINGERPRINT, strlen(IZDE_PREFIX_FINGERPRINT),
                                (size_t)-1, on_term, &w, err);
    if (st == IZDE_OK)
        st = w.st;
    if (st != IZDE_OK)
        return st;
    /* One term per entry: any other count means entries without one, which the walk cannot
     * answer for. */
    if (w.postings != docs) {
        c->unusable = 1;
        return IZDE_OK;
    }
    if (c->n > 1) /* docids is NULL while none were kept */
        qsort(c->docids, c->n, sizeof *c->docids, by_docid);
    c->known = 1;
    return IZDE_OK;
}

int search_copies_has(const search_copies *c, uint32_t docid)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->docids[mid] == docid)
            return 1;
        if (c->docids[mid] < docid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void search_copies_forget(search_copies *c, int new_reader)
{
    c->known = 0;
    c->unusable = 0;
    c->n = 0;
    if (new_reader)
        c->scanned_ms = 0;
}

void search_copies_fini(search_copies *c)
{
    free(c->docids);
    memset(c, 0, sizeof *c);
}
