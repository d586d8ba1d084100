/* The daemon's searchers, checked out per request (pool.h). */
#define _POSIX_C_SOURCE 200809L
#include "pool.h"

#include <stdlib.h>
#include <string.h>

izde_status sd_pool_init(sd_pool *p, size_t n, izde_error *err)
{
    izde_status rc = IZDE_ERR_NOMEM;
    const char *why = "out of memory for the searcher pool";
    memset(p, 0, sizeof *p);
    if (n == 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "a pool needs at least one searcher");
    p->slots = calloc(n, sizeof *p->slots);
    p->free = calloc(n, sizeof *p->free);
    if (!p->slots || !p->free)
        goto fail;
    rc = IZDE_ERR_INTERNAL;
    why = "cannot make the searcher pool's lock";
    if (pthread_mutex_init(&p->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&p->cv, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        goto fail;
    }
    p->n = p->n_free = n;
    /* Slot 0 on top of the stack: a lone client always gets the same searcher. */
    for (size_t i = 0; i < n; i++)
        p->free[i] = &p->slots[n - 1 - i];
    return IZDE_OK;
fail:
    free(p->slots);
    free(p->free);
    memset(p, 0, sizeof *p);
    return izde_error_set(err, rc, "%s", why);
}

sd_slot *sd_pool_acquire(sd_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->n_free == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    sd_slot *slot = p->free[--p->n_free];
    if (p->n - p->n_free > p->peak_busy)
        p->peak_busy = p->n - p->n_free;
    pthread_mutex_unlock(&p->mu);
    return slot;
}

void sd_pool_release(sd_pool *p, sd_slot *slot)
{
    pthread_mutex_lock(&p->mu);
    p->free[p->n_free++] = slot;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void sd_pool_close(sd_pool *p)
{
    if (!p || !p->slots)
        return;
    for (size_t i = 0; i < p->n; i++)
        sd_slot_close(&p->slots[i]);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->slots);
    free(p->free);
    memset(p, 0, sizeof *p);
}
