/* The state shared by the threads of one daemon. */
#include "state.h"

void sd_state_init(sd_state *st, const char *db, const char *cors_origin)
{
    st->db = db;
    st->shards = (izde_search_shards){0};
    st->cors_origin = cors_origin;
    st->writer = NULL;
    st->keys = NULL;
    atomic_init(&st->reload_epoch, 0);
    sd_metrics_init(&st->metrics);
}
