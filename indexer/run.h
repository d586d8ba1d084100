/* izde-indexer's work: walking inputs and feeding entries to an indexing session. */
#ifndef IZDE_INDEXER_RUN_H
#define IZDE_INDEXER_RUN_H

#include <signal.h>

#include <izde/indexer.h>

typedef struct indexer_config {
    const char *db_dir;
    izde_index_opts index;
    int progress;  /* print progress to stderr */
    char **inputs; /* files, folders or "-" */
    int n_inputs;
    char **delete_ids; /* with --delete: ids to remove instead of inputs */
    int n_delete;
    volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
} indexer_config;

enum indexer_exit {
    EXIT_ALL_INDEXED = 0,
    EXIT_SOME_REJECTED = 1,
    EXIT_FATAL = 2,
    EXIT_BUSY = 75, /* another izde-indexer or izde-reindex is writing this index */
    EXIT_INTERRUPTED = 130,
};

/* Runs one indexing session as configured; prints rejections, progress and the summary to
 * stderr. Returns an indexer_exit code. */
int indexer_run(const indexer_config *cfg);

#endif
