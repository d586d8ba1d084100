/* Private to lib/search: where the matches of a query's words lie in one hit's long body
 * (query_places.c). */
#ifndef IZDE_QUERY_PLACES_H
#define IZDE_QUERY_PLACES_H

#include <izde/waypoints.h>

#include "query_build.h"

typedef struct query_places {
    int known;      /* 0: the places are unknown (read the whole text); the rest is empty */
    size_t *ranges; /* n_ranges pairs of body bytes [start, end), ascending: every word that
                       search_qbuild_match may match begins in one (caller frees) */
    size_t n_ranges;
    size_t held; /* how many different query words (not under NOT) the body holds */
} query_places;

/* The places of b's words in document docid, whose body (body_len bytes) has waypoints w.
 * Unknown over remote shards and when a word is a prefix, whose forms are not listed. */
izde_status search_query_places(const qbuild *b, izde_xreader *r, uint32_t docid,
                                const izde_waypoints *w, size_t body_len, query_places *out,
                                izde_error *err);

#endif
