/* One searcher of the daemon: opened lazily, refreshed before each request, reopened on SIGHUP. */
#define _POSIX_C_SOURCE 200809L
#include "slot.h"

#include "log.h"

static void note_failure(sd_slot *slot, sd_state *st, const char *what, const izde_error *e)
{
    atomic_fetch_add(&st->metrics.refresh_failures, 1);
    if (!slot->failing)
        sd_log("cannot %s the index (%s); serving the state read before", what, e->msg);
    slot->failing = 1;
}

static void note_success(sd_slot *slot, sd_state *st, int changed)
{
    if (changed)
        atomic_fetch_add(&st->metrics.reopens, 1);
    if (slot->failing)
        sd_log("the index can be read again");
    slot->failing = 0;
}

izde_status sd_slot_refresh(sd_slot *slot, sd_state *st, izde_error *err)
{
    int changed = 0;
    izde_error e = {0};
    izde_status rc = izde_searcher_refresh(slot->searcher, &changed, &e);
    if (rc == IZDE_OK)
        note_success(slot, st, changed);
    else
        note_failure(slot, st, "refresh", &e);
    if (err)
        *err = e;
    return rc;
}

void sd_slot_reopen(sd_slot *slot, sd_state *st)
{
    izde_searcher *fresh = NULL;
    izde_error e = {0};
    if (izde_searcher_open_shards(st->db, &st->shards, &fresh, &e) != IZDE_OK) {
        note_failure(slot, st, "reopen", &e);
        return;
    }
    izde_searcher_close(slot->searcher);
    slot->searcher = fresh;
    note_success(slot, st, 1);
}

izde_status sd_slot_searcher(sd_slot *slot, sd_state *st, izde_searcher **out_searcher,
                             izde_error *err)
{
    unsigned epoch = atomic_load(&st->reload_epoch);
    if (!slot->searcher) {
        izde_status rc = izde_searcher_open_shards(st->db, &st->shards, &slot->searcher, err);
        if (rc != IZDE_OK)
            return rc;
        slot->epoch = epoch;
    } else if (slot->epoch != epoch) {
        slot->epoch = epoch;
        sd_slot_reopen(slot, st);
    } else {
        sd_slot_refresh(slot, st, NULL);
    }
    *out_searcher = slot->searcher;
    return IZDE_OK;
}

void sd_slot_close(sd_slot *slot)
{
    izde_searcher_close(slot->searcher);
    slot->searcher = NULL;
}
