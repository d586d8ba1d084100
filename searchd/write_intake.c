/* The thread that answers write requests (write_intake.h). */
#define _POSIX_C_SOURCE 200809L
#include "write_intake.h"

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
            sd_route(in->st, NULL, &job->req, &job->resp); /* writes use no searcher */
        }
        job->done(job);
    }
    return NULL;
}

izde_status sd_intake_start(sd_intake *in, sd_state *st, izde_error *err)
{
    memset(in, 0, sizeof *in);
    in->st = st;
    if (pthread_mutex_init(&in->mu, NULL) != 0)
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot make the write intake's lock");
    pthread_cond_init(&in->cv, NULL);
    /* started with the caller's signal mask: sd_serve() blocks what its sigwait takes */
    if (pthread_create(&in->thread, NULL, run, in) != 0) {
        pthread_cond_destroy(&in->cv);
        pthread_mutex_destroy(&in->mu);
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot start the write intake thread");
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
    pthread_mutex_lock(&in->mu);
    in->stopping = 1;
    pthread_cond_signal(&in->cv);
    pthread_mutex_unlock(&in->mu);
    pthread_join(in->thread, NULL);
    pthread_cond_destroy(&in->cv);
    pthread_mutex_destroy(&in->mu);
    in->started = 0;
}
