/* Private to lib/search: whether an index folder may have changed since a searcher last
 * looked, from the stamps (izde_fs_stamp) of the files a change replaces: the folder's stub,
 * renamed at every switch and whenever a delta appears or goes, and the version file of each
 * local database, renamed at every commit (izde_xdb_version_file). A few stat calls stand in
 * for reading the stub and reopening every database before each request.
 *
 * A stamp is taken before the check it vouches for, so a commit made during a check shows
 * at the next look. Should a file's inode be reused with the same size and times, the full
 * check made at least every SEARCH_WATCH_FULL_MS still finds the commit. */
#ifndef IZDE_SEARCH_WATCH_H
#define IZDE_SEARCH_WATCH_H

#include <izde/error.h>
#include <izde/fs.h>

#include <stddef.h>

#define SEARCH_WATCH_FULL_MS 1000.0

typedef struct search_watch {
    char **paths; /* the stub, then each database's version file */
    izde_fs_stamp *stamps;
    size_t n;
    double checked_ms; /* when the last full check began (monotonic) */
} search_watch;

/* Watches the stub of dir and the n local databases dbs, none of them seen yet. */
izde_status search_watch_set(search_watch *w, const char *dir, char *const *dbs, size_t n,
                             izde_error *err);
/* 1 when no watched file changed since the last look and the last full check is recent:
 * nothing to reopen. 0 otherwise (or when nothing is watched); the caller then makes the full
 * check, from now. */
int search_watch_quiet(search_watch *w, double now_ms);
/* Forgets what was seen, so that the next look makes the full check (after a failed one). */
void search_watch_forget(search_watch *w);
void search_watch_fini(search_watch *w);

#endif
