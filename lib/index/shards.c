/* Parallel rebuild: see shards.h. */
#define _POSIX_C_SOURCE 200809L
#include "shards.h"

#include "core.h"
#include <izde/fs.h>
#include <izde/schema.h>
#include "spelling.h"

#include <izde/generations.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Entries waiting per worker: enough to keep a worker busy while the reader parses JSON,
 * small enough to bound memory whatever the corpus size. */
#define QUEUE_CAP 64
#define MIN_SHARD_BATCH 100

typedef struct shard {
    pthread_t thread;
    int started;
    index_core core;
    char *path;
    pthread_mutex_t mu;
    pthread_cond_t can_put, can_take;
    izde_entry *queue[QUEUE_CAP];
    size_t head, count;
    int closing;
    uint32_t gen;         /* set before closing: recorded as metadata */
    const char *synonyms; /* set before closing: recorded as metadata (borrowed) */
    izde_status status;   /* first failure of this worker (sticky) */
    izde_error err;
} shard;

struct shard_pool {
    char *tmp_dir;
    shard *shards;
    unsigned n;
    int spelling; /* finishing writes a spelling dictionary from the shards' vocabulary */
    int split;    /* finishing keeps the shards apart: a sharded generation */
};

static izde_entry *take(shard *s)
{
    pthread_mutex_lock(&s->mu);
    while (s->count == 0 && !s->closing)
        pthread_cond_wait(&s->can_take, &s->mu);
    izde_entry *e = NULL;
    if (s->count > 0) {
        e = s->queue[s->head];
        s->head = (s->head + 1) % QUEUE_CAP;
        s->count--;
        pthread_cond_signal(&s->can_put);
    }
    pthread_mutex_unlock(&s->mu);
    return e;
}

static void fail(shard *s, izde_status st, const izde_error *err)
{
    pthread_mutex_lock(&s->mu);
    if (s->status == IZDE_OK) {
        s->status = st;
        s->err = *err;
    }
    pthread_cond_broadcast(&s->can_put); /* a blocked producer must see the failure */
    pthread_mutex_unlock(&s->mu);
}

static void *worker(void *arg)
{
    shard *s = arg;
    izde_error err = {0};
    izde_entry *e;
    int failed = 0;
    while ((e = take(s)) != NULL) {
        izde_status st = failed ? IZDE_OK : index_core_add(&s->core, e, &err);
        izde_entry_free(e);
        if (st != IZDE_OK) {
            fail(s, st, &err);
            failed = 1; /* keep draining so the producer never blocks */
        }
    }
    if (!failed) {
        izde_status st = index_core_write_metadata(&s->core, s->gen, s->synonyms, &err);
        if (st == IZDE_OK)
            st = index_core_commit(&s->core, &err);
        if (st != IZDE_OK)
            fail(s, st, &err);
    }
    return NULL;
}

static izde_status start_shard(shard_pool *p, unsigned i, uint32_t batch, izde_error *err)
{
    shard *s = &p->shards[i];
    size_t n = strlen(p->tmp_dir) + 32;
    if (!(s->path = malloc(n)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    snprintf(s->path, n, "%s/shard-%u", p->tmp_dir, i);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->can_put, NULL);
    pthread_cond_init(&s->can_take, NULL);
    /* The writers share the batch, so what Xapian buffers stays that of one writer. */
    uint32_t share = batch / p->n > MIN_SHARD_BATCH ? batch / p->n : MIN_SHARD_BATCH;
    izde_status st = index_core_open(&s->core, s->path, share, 0, 1, err);
    if (st != IZDE_OK)
        return st;
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        index_core_close(&s->core, 0,
                         NULL); /* nothing written yet: the failure to report is this */
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot start an indexing thread");
    }
    s->started = 1;
    return IZDE_OK;
}

izde_status index_shards_start(const char *tmp_dir, unsigned n, uint32_t batch, int spelling,
                               int split, shard_pool **out_pool, izde_error *err)
{
    shard_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->tmp_dir = strdup(tmp_dir)) || !(p->shards = calloc(n, sizeof *p->shards))) {
        index_shards_free(p);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    p->n = n;
    p->spelling = spelling;
    p->split = split;
    izde_status st = IZDE_OK;
    if (mkdir(tmp_dir, 0755) != 0 && errno != EEXIST)
        st = izde_error_set(err, IZDE_ERR_IO, "cannot create %s: %s", tmp_dir, strerror(errno));
    for (unsigned i = 0; i < n && st == IZDE_OK; i++)
        st = start_shard(p, i, batch, err);
    if (st != IZDE_OK) {
        index_shards_free(p);
        return st;
    }
    *out_pool = p;
    return IZDE_OK;
}

izde_status index_shards_add(shard_pool *p, izde_entry *e, izde_error *err)
{
    shard *s = &p->shards[store_shard_of(e->id, strlen(e->id), p->n)];
    pthread_mutex_lock(&s->mu);
    while (s->count == QUEUE_CAP && s->status == IZDE_OK)
        pthread_cond_wait(&s->can_put, &s->mu);
    izde_status st = s->status;
    if (st == IZDE_OK) {
        s->queue[(s->head + s->count) % QUEUE_CAP] = e;
        s->count++;
        pthread_cond_signal(&s->can_take);
    } else if (err) {
        *err = s->err;
    }
    pthread_mutex_unlock(&s->mu);
    if (st != IZDE_OK)
        izde_entry_free(e);
    return st;
}

/* Tells every worker to finish its queue and waits for it. */
static void stop_workers(shard_pool *p, uint32_t gen, const char *synonyms)
{
    for (unsigned i = 0; i < p->n; i++) {
        shard *s = &p->shards[i];
        if (!s->started)
            continue;
        pthread_mutex_lock(&s->mu);
        s->gen = gen;
        s->synonyms = synonyms;
        s->closing = 1;
        pthread_cond_signal(&s->can_take);
        pthread_mutex_unlock(&s->mu);
    }
    for (unsigned i = 0; i < p->n; i++) {
        if (p->shards[i].started) {
            pthread_join(p->shards[i].thread, NULL);
            p->shards[i].started = 0;
        }
    }
}

/* A sharded generation in dest: each shard compacted alone into dest/shard-I, and the spelling
 * dictionary's parts (paths[n..n_dbs)) with the metadata into dest/meta. */
static izde_status finish_split(shard_pool *p, const char **paths, size_t n_dbs, uint32_t gen,
                                const char *synonyms, const char *dest, izde_error *err)
{
    size_t cap = strlen(dest) + 32;
    char *out = malloc(cap);
    izde_status st = out ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK && mkdir(dest, 0755) != 0 && errno != EEXIST)
        st = izde_error_set(err, IZDE_ERR_IO, "cannot create %s: %s", dest, strerror(errno));
    for (unsigned i = 0; i < p->n && st == IZDE_OK; i++) {
        int len = snprintf(out, cap, "%s/", dest);
        snprintf(out + len, cap - (size_t)len, IZDE_GEN_SHARD_FORMAT, i);
        st = izde_x_compact(paths + i, 1, out, err);
    }
    if (st == IZDE_OK)
        snprintf(out, cap, "%s/%s", dest, IZDE_GEN_META);
    if (st == IZDE_OK && n_dbs > p->n)
        st = izde_x_compact(paths + p->n, n_dbs - p->n, out, err);
    index_core meta;
    if (st == IZDE_OK)
        st = index_core_open(&meta, out, 1, 0, 1, err);
    if (st == IZDE_OK) {
        st = index_core_write_metadata(&meta, gen, synonyms, err);
        izde_status closed = index_core_close(&meta, st == IZDE_OK, err);
        st = st == IZDE_OK ? closed : st;
    }
    free(out);
    return st;
}

izde_status index_shards_finish(shard_pool *p, uint32_t gen, const char *synonyms, const char *dest,
                                izde_error *err)
{
    stop_workers(p, gen, synonyms);
    izde_status st = IZDE_OK;
    /* the shards, then as many parts of the spelling dictionary */
    const char **paths = calloc(2 * (size_t)p->n, sizeof *paths);
    size_t name_cap = strlen(p->tmp_dir) + 32;
    char *names = malloc(name_cap * p->n);
    if (!paths || !names)
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (unsigned i = 0; i < p->n; i++) {
        shard *s = &p->shards[i];
        if (st == IZDE_OK && s->status != IZDE_OK) {
            st = s->status;
            if (err)
                *err = s->err;
        }
        if (st == IZDE_OK)
            st = index_core_close(&s->core, 1, err);
        else
            index_core_close(&s->core, 0, NULL); /* dropped: the first error is the one reported */
        if (paths)
            paths[i] = s->path;
    }
    size_t n_dbs = p->n;
    if (st == IZDE_OK && p->spelling) {
        /* Small databases of their own, written in parallel; the compaction below merges
         * them with the rest. */
        for (unsigned i = 0; i < p->n; i++) {
            snprintf(names + i * name_cap, name_cap, "%s/spelling-%u", p->tmp_dir, i);
            paths[p->n + i] = names + i * name_cap;
        }
        st = index_spelling_build(paths, p->n, paths + p->n, p->n, err);
        n_dbs += p->n;
    }
    if (st == IZDE_OK && p->split)
        st = finish_split(p, paths, n_dbs, gen, synonyms, dest, err);
    else if (st == IZDE_OK)
        st = izde_x_compact(paths, n_dbs, dest, err);
    free(paths);
    free(names);
    return st;
}

void index_shards_stats(const shard_pool *p, izde_index_stats *sum)
{
    for (unsigned i = 0; i < p->n; i++) {
        const izde_index_stats *s = &p->shards[i].core.stats;
        sum->added += s->added;
        sum->updated += s->updated;
        sum->unchanged += s->unchanged;
        sum->bytes += s->bytes;
    }
}

void index_shards_free(shard_pool *p)
{
    if (!p)
        return;
    if (p->shards) {
        stop_workers(p, 0, NULL);
        for (unsigned i = 0; i < p->n; i++) {
            shard *s = &p->shards[i];
            if (s->core.writer) /* a pool that failed or was never finished */
                index_core_close(&s->core, 0, NULL);
            for (size_t k = 0; k < s->count; k++)
                izde_entry_free(s->queue[(s->head + k) % QUEUE_CAP]);
            if (s->path) {
                pthread_mutex_destroy(&s->mu);
                pthread_cond_destroy(&s->can_put);
                pthread_cond_destroy(&s->can_take);
            }
            free(s->path);
        }
    }
    if (p->tmp_dir)
        izde_fs_remove_tree(p->tmp_dir, NULL);
    free(p->shards);
    free(p->tmp_dir);
    free(p);
}
