/* searchd/state.h — what the threads of one daemon share.
 *
 * Design: the daemon's only shared mutable state is this struct: the configuration (read-only
 * once the server starts), the metrics (atomics) and the reload epoch that SIGHUP increments
 * so that each searcher is reopened before its next request. The library itself keeps no
 * global state; each searcher is used by one request at a time (slot.h, pool.h).
 */
#ifndef SD_STATE_H
#define SD_STATE_H

#include <stdatomic.h>
#include <stdint.h>

#include "metrics.h"

typedef struct sd_state {
    const char *db;          /* index folder; borrowed for the life of the state */
    const char *cors_origin; /* NULL: no CORS headers; "*"; or origins separated by commas */
    atomic_uint reload_epoch;
    sd_metrics metrics;
} sd_state;

/* Fills st with db and cors_origin (both borrowed) and zeroed counters. */
void sd_state_init(sd_state *st, const char *db, const char *cors_origin);

#endif
