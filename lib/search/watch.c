/* Cheap change checks of an index folder: see watch.h. */
#include "watch.h"

#include <izde/generations.h>
#include <izde/xapian.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void search_watch_fini(search_watch *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->paths[i]);
    free(w->paths);
    free(w->stamps);
    memset(w, 0, sizeof *w);
}

izde_status search_watch_set(search_watch *w, const char *dir, char *const *dbs, size_t n,
                             izde_error *err)
{
    search_watch_fini(w);
    w->paths = calloc(n + 1, sizeof *w->paths);
    w->stamps = calloc(n + 1, sizeof *w->stamps);
    if (w->paths && w->stamps && (w->paths[0] = malloc(strlen(dir) + sizeof IZDE_GEN_STUB + 1))) {
        sprintf(w->paths[0], "%s/%s", dir, IZDE_GEN_STUB);
        for (w->n = 1; w->n <= n; w->n++)
            if (!(w->paths[w->n] = izde_xdb_version_file(dbs[w->n - 1])))
                break;
        if (w->n == n + 1)
            return IZDE_OK;
    }
    search_watch_fini(w);
    return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
}

int search_watch_quiet(search_watch *w, double now_ms)
{
    int quiet = w->n > 0 && now_ms - w->checked_ms < SEARCH_WATCH_FULL_MS;
    for (size_t i = 0; i < w->n; i++) {
        izde_fs_stamp now = izde_fs_stamp_of(w->paths[i]);
        if (!izde_fs_stamp_same(&now, &w->stamps[i]))
            quiet = 0;
        w->stamps[i] = now; /* before the check: a commit made during it shows next time */
    }
    if (!quiet)
        w->checked_ms = now_ms;
    return quiet;
}

void search_watch_forget(search_watch *w)
{
    memset(w->stamps, 0, w->n * sizeof *w->stamps);
}
