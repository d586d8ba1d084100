/* searchd/state.h — what the threads of one daemon share.
 *
 * Design: the daemon's only shared mutable state is this struct: the configuration (read-only
 * once the server starts), the metrics (atomics) and the reload epoch that SIGHUP increments
 * so that each searcher is reopened before its next request. The library itself keeps no
 * global state; each searcher is used by one request at a time (slot.h, pool.h).
 */
#ifndef SD_STATE_H
#define SD_STATE_H

#include <izde/search.h>
#include <stdatomic.h>
#include <stdint.h>

#include "metrics.h"

struct sd_writer; /* write_applier.h */
struct sd_keys;   /* write_keys.h */

typedef struct sd_state {
    const char *db;             /* index folder; borrowed for the life of the state */
    izde_search_shards shards;  /* searched instead of db's own entries when n > 0; borrowed */
    const char *cors_origin;    /* NULL: no CORS headers; "*"; or origins separated by commas */
    struct sd_writer *writer;   /* NULL: writes are off; borrowed */
    const struct sd_keys *keys; /* NULL: no keys (searching open, writes off); borrowed */
    atomic_uint reload_epoch;
    sd_metrics metrics;
} sd_state;

/* Fills st with db and cors_origin (both borrowed), zeroed counters, no writer and no keys. */
void sd_state_init(sd_state *st, const char *db, const char *cors_origin);

#endif
