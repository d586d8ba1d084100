/* The threads that answer requests away from the event threads (intake.h). */
#define _POSIX_C_SOURCE 200809L
#include "intake.h"

#include <stdlib.h>
#include <string.h>

/* The next job, or NULL once stopping; with *refuse set when it is to be answered 503. */
static sd_intake_job *take(sd_intake *in, int *refuse)
{
    pthread_mutex_lock(&in->mu);
    while (!in->head && !in->stopping)
        pthread_cond_wait(&in->cv, &in->mu);
    sd_intake_job *job = in->head;
    if (job) {
        in->head = job->next;
        if (!in->head)
            in->tail = NULL;
    }
    *refuse = in->stopping;
    pthread_mutex_unlock(&in->mu);
    return job;
}

void sd_intake_route(sd_intake *in, sd_intake_job *job)
{
    sd_slot *slot = in->pool ? sd_pool_acquire(in->pool) : NULL;
    sd_route(in->st, slot, &job->req, &job->resp);
    if (slot)
        sd_pool_release(in->pool, slot);
}

static void *run(void *arg)
{
    sd_intake *in = arg;
    int refuse = 0;
    sd_intake_job *job;
    while ((job = take(in, &refuse)) != NULL) {
        if (refuse) {
            memset(&job->resp, 0, sizeof job->resp);
            sd_response_fail(&job->resp, 503, "unavailable", "the daemon is stopping");
        } else {
            sd_intake_route(in, job);
        }
        job->done(job);
    }
    return NULL;
}

/* Joins the threads started so far. */
static void join_all(sd_intake *in)
{
    for (size_t i = 0; i < in->n_threads; i++)
        pthread_join(in->threads[i], NULL);
    in->n_threads = 0;
}

static void stop_threads(sd_intake *in)
{
    pthread_mutex_lock(&in->mu);
    in->stopping = 1;
    pthread_cond_broadcast(&in->cv);
    pthread_mutex_unlock(&in->mu);
    join_all(in);
}

izde_status sd_intake_start(sd_intake *in, sd_state *st, sd_pool *pool, size_t n, izde_error *err)
{
    memset(in, 0, sizeof *in);
    in->st = st;
    in->pool = pool;
    if (n == 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "an intake needs a thread");
    if (!(in->threads = calloc(n, sizeof *in->threads)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory for an intake's threads");
    if (pthread_mutex_init(&in->mu, NULL) != 0) {
        free(in->threads);
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot make an intake's lock");
    }
    pthread_cond_init(&in->cv, NULL);
    /* started with the caller's signal mask: sd_serve() blocks what its sigwait takes */
    for (; in->n_threads < n; in->n_threads++) {
        if (pthread_create(&in->threads[in->n_threads], NULL, run, in) != 0) {
            stop_threads(in);
            pthread_cond_destroy(&in->cv);
            pthread_mutex_destroy(&in->mu);
            free(in->threads);
            in->threads = NULL;
            return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot start an intake thread");
        }
    }
    in->started = 1;
    return IZDE_OK;
}

void sd_intake_submit(sd_intake *in, sd_intake_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&in->mu);
    if (in->tail)
        in->tail->next = job;
    else
        in->head = job;
    in->tail = job;
    pthread_cond_signal(&in->cv);
    pthread_mutex_unlock(&in->mu);
}

void sd_intake_stop(sd_intake *in)
{
    if (!in->started)
        return;
    stop_threads(in);
    pthread_cond_destroy(&in->cv);
    pthread_mutex_destroy(&in->mu);
    free(in->threads);
    in->threads = NULL;
    in->started = 0;
}
