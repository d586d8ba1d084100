/* Private to lib/index: a parallel rebuild. Entries are spread over N worker threads by a
 * hash of their id (so repeated ids meet in the same shard), each thread writes its own
 * Xapian database, and finishing merges the shards into one compact database (Xapian's
 * compaction). On two cores this roughly halves the time spent in Xapian's write path,
 * which dominates indexing. */
#ifndef IZDE_SHARDS_H
#define IZDE_SHARDS_H

#include <izde/indexer.h>

typedef struct shard_pool shard_pool;

/* Starts n workers writing shards under folder tmp_dir (created); with spelling non-zero,
 * finishing also writes the spelling dictionary (spelling.h); with split non-zero it keeps
 * the shards apart (a sharded generation, izde/generations.h) instead of merging them.
 * Caller owns *out_pool; release with index_shards_free(). */
izde_status index_shards_start(const char *tmp_dir, unsigned n, uint32_t batch, int spelling,
                               int split, shard_pool **out_pool, izde_error *err);
/* Queues a validated entry; takes ownership of e. Returns a worker's error, if one failed. */
izde_status index_shards_add(shard_pool *p, izde_entry *e, izde_error *err);
/* Waits for the workers, commits the shards and compacts them into the new folder dest (or,
 * split, into its meta and shard-I folders),
 * recording generation gen and the synonyms (may be NULL) in it. */
izde_status index_shards_finish(shard_pool *p, uint32_t gen, const char *synonyms, const char *dest,
                                izde_error *err);
/* Adds the workers' counters into *sum. Only after index_shards_finish(): workers own their
 * counters while they run. */
void index_shards_stats(const shard_pool *p, izde_index_stats *sum);
/* Stops the workers (dropping what they had not committed) and removes the shard folders.
 * NULL is a no-op. */
void index_shards_free(shard_pool *p);

#endif
