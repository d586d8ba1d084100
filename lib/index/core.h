/* Private to lib/index: one Xapian database written by one thread. An indexing session
 * (indexer.c) drives one core directly, or several through worker threads (shards.c). */
#ifndef IZDE_INDEX_CORE_H
#define IZDE_INDEX_CORE_H

#include <izde/indexer.h>

#include "delta.h"
#include "document.h"

typedef struct index_core {
    izde_xwriter *writer; /* the database; with a delta, the main one */
    index_delta *delta;   /* where new and changed entries go (delta.h), or NULL */
    doc_builder builder;
    word_counts *spelling;    /* this batch's words for the spelling dictionary, or NULL */
    izde_xwriter *dictionary; /* where they go: NULL for this database, else another writer
                                 (a sharded index's meta database), committed after this one */
    izde_index_stats stats;   /* added, updated, unchanged, deleted, bytes */
    uint32_t batch, pending;
    uint64_t batch_bytes, pending_bytes; /* text of the entries since the last commit */
} index_core;

/* A commit comes after batch entries, or sooner once their text (title and body) reaches
 * batch * CORE_BYTES_PER_ENTRY bytes: what Xapian buffers grows with the text, not with the
 * number of entries (about 9 bytes of memory a byte of text), so long articles would
 * otherwise take gigabytes (2,000 articles of 10-100 KB: 898 MB at 1,000 a writer). News
 * entries average under 4 KB, so for them the count decides, as before. */
#define CORE_BYTES_PER_ENTRY 4800

/* Opens (creating) the database in folder path, committing every batch entries (or their
 * text's worth, above). fresh: nobody reads it before the caller
 * syncs it (izde_fs_sync_tree), so commits need not wait for the disk. Release with
 * index_core_close(). */
izde_status index_core_open(index_core *c, const char *path, uint32_t batch, int spelling,
                            int fresh, izde_error *err);
/* From now on, writes new and changed entries into generation gen's delta (delta.h) in
 * index folder dir, hiding the versions they replace. */
izde_status index_core_open_delta(index_core *c, const char *dir, uint32_t gen, izde_error *err);
/* Folds the delta into the database once it holds more than max entries (max 0: whatever
 * it holds, hidden documents too). */
izde_status index_core_fold_delta(index_core *c, const char *dir, uint32_t gen, uint32_t max,
                                  izde_error *err);
/* Indexes a validated entry: replaced when its id exists, skipped when unchanged. */
izde_status index_core_add(index_core *c, const izde_entry *e, izde_error *err);
izde_status index_core_delete(index_core *c, const char *id, size_t len, int *out_found,
                              izde_error *err);
izde_status index_core_commit(index_core *c, izde_error *err);
/* Records the schema version, build time, generation number and, when not NULL, the
 * normalised synonym groups in the database. */
izde_status index_core_write_metadata(index_core *c, uint32_t gen, const char *synonyms,
                                      izde_error *err);
/* Closes the database: committing what is pending when commit is non-zero, else dropping it.
 * Releases everything whatever the outcome. */
izde_status index_core_close(index_core *c, int commit, izde_error *err);

#endif
