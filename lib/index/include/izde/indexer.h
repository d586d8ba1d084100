/* izde/indexer.h — writing entries into an index folder.
 *
 * Design: an izde_indexer is one writing session on an index folder (izde/generations.h).
 * Incremental sessions write into the live generation: an entry whose id exists is replaced,
 * one whose stored content hash is unchanged is skipped without touching the index. A rebuild
 * session writes a new generation and switches to it in izde_indexer_finish(), only if it
 * finished. Changes are committed in batches; an interrupted session leaves the last commit
 * (incremental) or the untouched live generation (rebuild), and the next session removes what
 * it left behind.
 *
 * Thread safety: one session per index folder at a time (Xapian's write lock enforces it).
 */
#ifndef IZDE_INDEXER_H
#define IZDE_INDEXER_H

#include <stddef.h>
#include <stdint.h>

#include <izde/entry.h>
#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct izde_index_opts {
    int rebuild;               /* build a new generation and switch to it at the end */
    uint32_t batch_size;       /* entries per commit; 0 = default (4000); long entries are
                                  committed sooner, at batch_size * 4,800 bytes of text */
    int no_spelling;           /* skip the spelling dictionary ("did you mean") */
    int defer_switch;          /* rebuild: finish without switching, so the caller can check the
                                  new generation first and then call izde_gen_switch() */
    unsigned jobs;             /* rebuild: writer threads, 0 = one per core; their shards are
                                  merged (compacted) into the new generation at the end */
    const char *synonyms_file; /* synonym groups to store in the index (izde/synonyms.h);
                                  NULL keeps the stored ones (a rebuild copies the live ones) */
    int no_synonyms;           /* store no synonym groups (removes the stored ones) */
    unsigned shards;           /* rebuild (or a new index): split the entries over this many
                                  shards by a hash of their id, each written by a worker of
                                  its own (izde/generations.h); 0 keeps the live index's
                                  layout, 1 is one database. An incremental session writes
                                  each entry to its shard and refuses another number. */
    int in_place;              /* incremental, unsharded: write changes into the generation's
                                  main database, not into its delta (see delta_max) */
    uint32_t delta_max;        /* incremental, unsharded: new and changed entries go to a small
                                  delta database beside the main one, and the main's old
                                  versions are hidden; once the delta holds more than this many
                                  entries when a session finishes, it is folded into the main
                                  database. 0 = default: a twentieth of the index's entries,
                                  at least 2,000 */
} izde_index_opts;

typedef struct izde_index_stats {
    uint64_t added, updated, unchanged, deleted, rejected;
    uint64_t bytes; /* text bytes indexed (title + body) */
} izde_index_stats;

typedef struct izde_indexer izde_indexer;

/* Opens a session on index folder dir (created when missing). opts may be NULL (defaults).
 * IZDE_ERR_DB_LOCKED when another writer is active; IZDE_ERR_DB_CORRUPT when the live index
 * has another schema version. Caller owns; izde_indexer_close(). */
izde_status izde_indexer_open(const char *dir, const izde_index_opts *opts,
                              izde_indexer **out_indexer, izde_error *err);

/* Indexes one entry (validated first; an invalid one is counted as rejected and returns
 * IZDE_ERR_INVALID_ARG without stopping the session). e stays the caller's. */
izde_status izde_indexer_add(izde_indexer *ix, const izde_entry *e, izde_error *err);

/* Counts an entry rejected before it reached the indexer (by a reader). */
void izde_indexer_count_rejected(izde_indexer *ix);

/* Deletes the entry with id; *out_found (may be NULL) tells whether it existed. */
izde_status izde_indexer_delete(izde_indexer *ix, const char *id, size_t len, int *out_found,
                                izde_error *err);

/* Commits everything added so far. */
izde_status izde_indexer_commit(izde_indexer *ix, izde_error *err);

/* Commits everything added so far and records seq as the last record of the journal
 * (izde/journal.h) applied, in the same commit. Incremental sessions only: a rebuild carries
 * the live generation's number over by itself (IZDE_ERR_INVALID_ARG). */
izde_status izde_indexer_commit_journal(izde_indexer *ix, uint64_t seq, izde_error *err);

/* The last journal record applied to what this session writes: the live generation's number
 * when the session opened (a rebuild copies it to its new generation, so that the records
 * written during the rebuild are applied again after its switch), or the last one committed
 * with izde_indexer_commit_journal(). 0 when none. */
uint64_t izde_indexer_journal_seq(const izde_indexer *ix);

/* The generation this session writes. */
uint32_t izde_indexer_generation(const izde_indexer *ix);

/* Commits, records build metadata and, for a rebuild, switches to the new generation and
 * removes generations older than the previous one (unless opts.defer_switch). *out_gen (may
 * be NULL) is the generation written. */
izde_status izde_indexer_finish(izde_indexer *ix, uint32_t *out_gen, izde_error *err);

/* Ends the session. Uncommitted changes of an unfinished session are thrown away; a rebuild
 * that did not finish never becomes live. NULL is a no-op. */
void izde_indexer_close(izde_indexer *ix);

/* Counters so far (a parallel rebuild's are complete after izde_indexer_finish()).
 * Borrowed; valid until izde_indexer_close(ix). */
const izde_index_stats *izde_indexer_stats(izde_indexer *ix);

/* A full disk inside one of Xapian's commits can end the process rather than fail the call
 * (see izde_x_on_abort in izde/xapian.h): a program that writes an index names here the
 * handler that reports it and exits; fn must not return; errno is the failed write's. The
 * index on disk keeps its last commit, a rebuild's unfinished generation never goes live.
 * Process-wide: call once from main(). */
void izde_indexer_on_abort(void (*fn)(void));

#ifdef __cplusplus
}
#endif
#endif
