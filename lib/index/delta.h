/* Private to lib/index: the delta database of an unsharded generation.
 *
 * Xapian's tables are ordered by term, so a batch of 1,000 entries touches nearly every block
 * of a large index and commits a rewrite of most of it (9-10 s into 200,000 entries,
 * bench/README.md, "The nightly batch: what it writes"). An incremental session therefore
 * writes new and changed entries into a small second database, DIR/gen-N/delta, which readers
 * search beside the main one (izde/generations.h), and hides the main database's old
 * versions of changed or deleted entries: a list of its document ids in its own metadata
 * (izde/xapian.h, "Hidden documents"), which every read skips. Once the delta grows past a
 * limit, a session folds it into the main database and removes it. */
#ifndef IZDE_INDEX_DELTA_H
#define IZDE_INDEX_DELTA_H

#include <izde/xapian.h>

#include <stddef.h>
#include <stdint.h>

typedef struct index_delta {
    izde_xwriter *writer; /* the delta database */
    uint32_t *hidden;     /* the main database's hidden documents, ascending */
    size_t n_hidden, cap_hidden;
    int hidden_changed; /* since the last commit */
} index_delta;

/* Opens generation gen's delta in index folder dir, creating it (and naming it in the stub)
 * when missing, and reads main's hidden documents. A fold that was cut short is finished
 * first. Release with index_delta_close(). */
izde_status index_delta_open(index_delta *d, izde_xwriter *main, const char *dir, uint32_t gen,
                             izde_error *err);
/* Whether main's document docid is hidden. */
int index_delta_hides(const index_delta *d, uint32_t docid);
/* Hides main's document docid from the next commit on. */
izde_status index_delta_hide(index_delta *d, uint32_t docid, izde_error *err);
/* Commits the delta, then records the hidden list in main, which the caller commits next: a
 * crash between the two leaves an entry's old version visible beside its new one (the next
 * session hides it), never neither. */
izde_status index_delta_commit(index_delta *d, izde_xwriter *main, izde_error *err);
/* Entries in the delta, committed or not. */
izde_status index_delta_count(index_delta *d, uint32_t *out_count, izde_error *err);
/* Folds the committed delta into main (its hidden documents deleted, the delta's documents
 * added or replacing theirs by id), commits main and removes the delta; d is closed. */
izde_status index_delta_fold(index_delta *d, izde_xwriter *main, const char *dir, uint32_t gen,
                             izde_error *err);
/* Closes the delta, committing what is pending when commit is non-zero, else dropping it. */
izde_status index_delta_close(index_delta *d, int commit, izde_error *err);

#endif
