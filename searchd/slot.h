/* searchd/slot.h — one searcher of the daemon, kept current.
 *
 * Design: Xapian readers are not shared between threads, so a slot is used by one request at a
 * time (the server checks slots out of a pool, pool.h); its searcher is opened on first use. Before
 * each request sd_slot_searcher() refreshes it: izde_searcher_refresh() reads the index folder's
 * small stub file and sees new commits and switched generations without a restart. It costs
 * about 5 us (4.5 us against 150 us for a search of data/, measured), so it is not
 * rate-limited and a commit is visible to the very next request. A failed refresh is logged once
 * and the previous reader keeps serving. After a SIGHUP (state->reload_epoch changed) the searcher
 * is closed and opened afresh instead.
 *
 * Thread safety: one thread at a time per slot; the state it reports to is shared.
 */
#ifndef SD_SLOT_H
#define SD_SLOT_H

#include <stdint.h>

#include <izde/search.h>

#include "state.h"

typedef struct sd_slot {
    izde_searcher *searcher; /* NULL until first use */
    unsigned epoch;          /* reload epoch the searcher was opened in */
    int failing;             /* the last refresh or reopen failed (and was logged) */
} sd_slot;

/* The slot's searcher, opened, refreshed or reopened as described above. Fails only when no
 * searcher can be opened at all (e.g. IZDE_ERR_DB_NOT_FOUND). Borrowed; valid until the next
 * call on the slot or sd_slot_close(). */
izde_status sd_slot_searcher(sd_slot *slot, sd_state *st, izde_searcher **out_searcher,
                             izde_error *err);

/* Refreshes now, whatever the interval (to retry after IZDE_ERR_DB_MODIFIED). */
izde_status sd_slot_refresh(sd_slot *slot, sd_state *st, izde_error *err);

/* Replaces the searcher by a freshly opened one (SIGHUP, or a remote shard that failed: its
 * connection is not used again); keeps the old one when opening fails. */
void sd_slot_reopen(sd_slot *slot, sd_state *st);

/* Closes the searcher; the slot may be used again. */
void sd_slot_close(sd_slot *slot);

#endif
