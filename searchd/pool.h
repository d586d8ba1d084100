/* searchd/pool.h — the searchers of a daemon, checked out by one request at a time.
 *
 * Design: libmicrohttpd's event threads (server.h, several per searcher, so that two busy
 * keep-alive clients seldom share one) search the requests they read. Searchers are not tied
 * to those threads: the pool holds --threads slots (slot.h), a request checks one out for its
 * duration and gives it back, and a request that finds every slot busy waits for one. A slot
 * is used by one thread at a time, so a Xapian reader is never shared concurrently; it is
 * refreshed (or reopened after SIGHUP) on each checkout, as before. Free slots are taken
 * last-in first-out: under light load the same, warm searcher serves every request.
 *
 * Thread safety: sd_pool_acquire() and sd_pool_release() from any thread; init and close from
 * one thread while no slot is checked out.
 */
#ifndef SD_POOL_H
#define SD_POOL_H

#include <pthread.h>
#include <stddef.h>

#include "slot.h"

typedef struct sd_pool {
    sd_slot *slots; /* n slots; searchers opened on first use */
    sd_slot **free; /* stack of the slots not checked out */
    size_t n, n_free;
    size_t peak_busy; /* most slots checked out at once (for tests and the log) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} sd_pool;

/* Makes a pool of n >= 1 slots. IZDE_ERR_NOMEM, IZDE_ERR_INVALID_ARG (n == 0) or
 * IZDE_ERR_INTERNAL (a mutex or condition variable cannot be made). Free with
 * sd_pool_close(). */
izde_status sd_pool_init(sd_pool *p, size_t n, izde_error *err);

/* A free slot, waiting until one is given back when all are checked out. The caller has it to
 * itself until sd_pool_release(). */
sd_slot *sd_pool_acquire(sd_pool *p);

/* Gives back a slot from sd_pool_acquire(), waking one waiting request. */
void sd_pool_release(sd_pool *p, sd_slot *slot);

/* Closes every searcher and frees the pool. No slot may be checked out. NULL-safe. */
void sd_pool_close(sd_pool *p);

#endif
