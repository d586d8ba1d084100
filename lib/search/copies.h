/* Private to lib/search: which documents' stories have a copy in the index, known from one
 * walk of the fingerprint terms instead of two Xapian look-ups (the fingerprint value, its
 * term frequency) for every item of every quick page.
 *
 * Each entry carries one fingerprint term (H<hex>, schema.h); a story has a copy when its
 * term is in more than one document. The walk reads every fingerprint term once and keeps
 * the documents of those found more than once (few in a news archive: wire copies), sorted.
 * It is made on the first quick page after the searcher opens a generation, and again at
 * most every COPIES_RESCAN_MS after commits change the index: in between (live writes commit
 * every few hundred milliseconds, and the walk costs a few milliseconds per 20,000 entries)
 * the quick page checks each item as before. An index where some document has no
 * fingerprint term (written before they existed) is never walked: the per-item check
 * answers for it. */
#ifndef IZDE_SEARCH_COPIES_H
#define IZDE_SEARCH_COPIES_H

#include <izde/error.h>
#include <izde/xapian.h>

#include <stddef.h>
#include <stdint.h>

typedef struct search_copies {
    int known;         /* docids below hold for the reader as it is now */
    int unusable;      /* the index has documents without a fingerprint term */
    double scanned_ms; /* when the last walk ran (monotonic), 0 = never */
    uint32_t *docids;  /* documents whose story has a copy, ascending */
    size_t n, cap;
} search_copies;

/* Walks the fingerprint terms of r when due (see above). On return c->known says whether
 * search_copies_has() may be asked. */
izde_status search_copies_update(search_copies *c, izde_xreader *r, izde_error *err);
/* Whether docid's story has a copy in the index; only while c->known. */
int search_copies_has(const search_copies *c, uint32_t docid);
/* The reader changed (new commits): what was known no longer holds. new_reader: a generation
 * was opened afresh, so the next quick page walks again at once. */
void search_copies_forget(search_copies *c, int new_reader);
void search_copies_fini(search_copies *c);

#endif
