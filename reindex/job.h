/* izde-reindex's work: a checked rebuild of an index folder, or a rollback, each under the
 * folder's job lock and each ending in one summary line. */
#ifndef IZDE_REINDEX_JOB_H
#define IZDE_REINDEX_JOB_H

#include <signal.h>
#include <stddef.h>

typedef struct reindex_config {
    const char *db_dir;
    const char *source;   /* folder walked for *.jsonl and *.txt */
    double min_fraction;  /* the new generation needs this share of the live one's entries */
    char **smoke_queries; /* each must match at least one entry; none: the default check */
    size_t n_smoke_queries;
    unsigned jobs;               /* writer threads, 0 = one per core */
    unsigned shards;             /* shards of the new generation, 0 = as the live index */
    const char *synonyms;        /* synonym groups file, or IZDE_SYNONYMS_NONE (izde/config.h) */
    int log_fd;                  /* the summary line is appended here too; -1 = stderr only */
    volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
} reindex_config;

enum reindex_exit {
    REINDEX_OK = 0,            /* the new generation is live */
    REINDEX_SOME_REJECTED = 1, /* live too, but some entries of the source were rejected */
    REINDEX_FATAL = 2,         /* usage or fatal error; the live index is untouched */
    REINDEX_REFUSED = 3,       /* the check refused the new generation; it was removed */
    REINDEX_LOCKED = 75,       /* another run holds the lock (EX_TEMPFAIL); nothing done */
    REINDEX_INTERRUPTED = 130, /* SIGINT/SIGTERM before the switch; the live index is untouched */
};

/* Rebuilds cfg->db_dir from cfg->source, checks the new generation and switches to it.
 * Prints details to stderr and the summary line to stderr and cfg->log_fd.
 * Returns a reindex_exit code. */
int reindex_rebuild(const reindex_config *cfg);

/* Switches cfg->db_dir back to its previous generation, after checking that it opens. */
int reindex_rollback(const reindex_config *cfg);

#endif
