/* The one-line summary of a run, for the log: key=value fields an operator can read and a
 * script can grep, e.g.
 *   2026-11-26T03:07:41Z izde-reindex rebuild outcome=ok exit=0 live=8 built=8 replaced=7
 *   entries=5210 before=5200 rejected=0 duration=12.41s db=/var/lib/izde/index
 *   source=/srv/izde/export
 * (one line). A value that is not known or does not apply is "-". */
#ifndef IZDE_REINDEX_SUMMARY_H
#define IZDE_REINDEX_SUMMARY_H

#include <stdint.h>

typedef struct summary {
    const char *action;  /* "rebuild" or "rollback" */
    const char *outcome; /* "ok", "refused", "locked", "failed", "interrupted" */
    int exit_code;
    uint32_t live;     /* generation live after the run, 0 = none */
    uint32_t built;    /* generation this run built, 0 = none */
    uint32_t replaced; /* generation that stopped being live (kept for rollback), 0 = none */
    int64_t entries;   /* entries in the new live generation (or the refused one), -1 = - */
    int64_t before;    /* entries in the generation that was live before, -1 = - */
    int64_t rejected;  /* entries of the source rejected, -1 = - */
    double started;    /* monotonic seconds at the start of the run */
    const char *db_dir;
    const char *source; /* NULL for a rollback */
    char reason[700];   /* why it did not succeed, "" when it did */
} summary;

/* Monotonic clock in seconds. */
double summary_clock(void);

/* Writes the line to stderr and, when log_fd >= 0, appends it to log_fd in one write. */
void summary_write(const summary *s, int log_fd);

#endif
