/* izde/generations.h — the layout of an index folder and its atomic switches.
 *
 * Design: an index folder holds numbered Xapian databases ("generations") and a Xapian stub
 * file naming the live one:
 *     DIR/XAPIANDB        "auto gen-000007"   (Xapian opens DIR through it)
 *     DIR/gen-000007/     the live generation
 *     DIR/gen-000006/     the previous one, kept for rollback
 *     DIR/PREVIOUS        "6"
 * A rebuild writes a new generation beside the live one and switches by renaming a new stub
 * over the old (atomic on POSIX), so a reader never sees a half-built index. Readers that
 * opened the old generation keep reading it until they reopen.
 *
 * A sharded index (izde-indexer --shards N) has N+1 databases in each generation, and its
 * stub lists them all, so one rename switches every shard together:
 *     DIR/XAPIANDB        "auto gen-000007/meta\nauto gen-000007/shard-0\n..."
 *     DIR/gen-000007/meta/      no entries: the metadata and the spelling dictionary
 *     DIR/gen-000007/shard-I/   the entries whose id hashes to I (store_shard_of)
 *
 * An unsharded generation that incremental runs have changed also has a delta database, the
 * stub's second line (lib/index/delta.h):
 *     DIR/XAPIANDB        "auto gen-000007\nauto gen-000007/delta"
 */
#ifndef IZDE_GENERATIONS_H
#define IZDE_GENERATIONS_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of the live generation, 0 when the folder has no index yet. */
izde_status izde_gen_current(const char *dir, uint32_t *out_gen, izde_error *err);
/* The same, and whether the stub names the generation's delta database: a reader that
 * follows the stub sees a delta appear or go from the stub it reads anyway. */
izde_status izde_gen_current_delta(const char *dir, uint32_t *out_gen, int *out_delta,
                                   izde_error *err);
/* Number of the generation kept for rollback, 0 when none. */
izde_status izde_gen_previous(const char *dir, uint32_t *out_gen, izde_error *err);

/* Path of generation gen inside dir. Caller owns (free()); NULL on out of memory. */
char *izde_gen_path(const char *dir, uint32_t gen);

#define IZDE_GEN_STUB "XAPIANDB" /* the stub file's name */
#define IZDE_GEN_META "meta"
#define IZDE_GEN_DELTA "delta"
#define IZDE_GEN_SHARD_FORMAT "shard-%u"
#define IZDE_GEN_MAX_SHARDS 64

/* The Xapian databases of generation gen: the generation folder itself, or for a sharded one
 * its meta database then its shards in order. Caller owns; izde_gen_dbs_free(). */
izde_status izde_gen_dbs(const char *dir, uint32_t gen, char ***out_paths, size_t *out_n,
                         izde_error *err);
void izde_gen_dbs_free(char **paths, size_t n);

/* Path of generation gen's delta database (DIR/gen-N/delta: an unsharded generation's recent
 * changes, lib/index/delta.h) in *out_path, or NULL when it has none. Caller owns (free()). */
izde_status izde_gen_delta(const char *dir, uint32_t gen, char **out_path, izde_error *err);

/* The databases the stub names for generation gen: izde_gen_dbs()'s, then its delta when it
 * has one. Caller owns; izde_gen_dbs_free(). */
izde_status izde_gen_stub_dbs(const char *dir, uint32_t gen, char ***out_paths, size_t *out_n,
                              izde_error *err);

/* Makes gen the live generation (atomic rename of the stub) and records the generation it
 * replaces as the previous one. */
izde_status izde_gen_switch(const char *dir, uint32_t gen, izde_error *err);

/* Removes the folder of generation gen, if it exists. */
izde_status izde_gen_remove(const char *dir, uint32_t gen, izde_error *err);

/* Removes every generation folder that is neither live nor previous (left-overs of older or
 * interrupted runs). *out_removed counts them (may be NULL). */
izde_status izde_gen_cleanup(const char *dir, unsigned *out_removed, izde_error *err);

/* Switches back to the previous generation; the current one becomes the previous.
 * IZDE_ERR_NOT_FOUND when there is nothing to roll back to. */
izde_status izde_gen_rollback(const char *dir, uint32_t *out_gen, izde_error *err);

/* Takes the index folder's job lock (an flock on DIR/LOCK) without waiting.
 * IZDE_ERR_DB_LOCKED when another process holds it. Release with izde_gen_unlock(fd). */
izde_status izde_gen_lock(const char *dir, int *out_fd, izde_error *err);
void izde_gen_unlock(int fd);

#ifdef __cplusplus
}
#endif
#endif
